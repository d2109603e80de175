package dev.unlearn.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * How the application writes its files: UTF-8 text into a folder it creates, and JSON by Jackson
 * over the record types (keys are the record components' names), indented, with NaN and
 * infinities written as {@code null} (JSON has no such numbers; a score that does not exist, such
 * as F of a failed method, is null too). Failures are {@link UncheckedIOException}s naming the
 * file.
 */
final class Output {
  private Output() {}

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new SimpleModule("non-finite-as-null")
          .addSerializer(Double.class, new NonFinite())
          .addSerializer(double.class, new NonFinite()))
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  /** Writes {@code text} to {@code file} in UTF-8, creating its folder. */
  static Path text(Path file, CharSequence text) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  /** {@code value} as indented JSON. */
  static String json(Object value) {
    try {
      return MAPPER.writeValueAsString(value) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + value.getClass().getSimpleName()
          + " as JSON", e);
    }
  }

  /** Writes {@code value} to {@code file} as indented JSON, creating its folder. */
  static Path json(Path file, Object value) {
    return text(file, json(value));
  }

  private static final class NonFinite extends JsonSerializer<Double> {
    @Override
    public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
      if (v == null || !Double.isFinite(v)) {
        g.writeNull();
      } else {
        g.writeNumber(v);
      }
    }
  }
}
