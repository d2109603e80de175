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
import java.nio.file.Path;

/**
 * The application's JSON: Jackson over the record types (keys are the record components' names),
 * indented, with NaN and infinities written as {@code null} (JSON has no such numbers; a score that
 * does not exist, such as F of a failed method, is null too).
 */
final class Json {
  private Json() {}

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new SimpleModule("non-finite-as-null")
          .addSerializer(Double.class, new NonFinite())
          .addSerializer(double.class, new NonFinite()))
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  /** Writes {@code value} to {@code file}, creating its folder. */
  static Path write(Object value, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      MAPPER.writeValue(file.toFile(), value);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
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
