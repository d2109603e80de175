package dev.unlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unlearn.cli.ScoreboardTest.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scoreboard --plugins DIR} with a plugin jar that this test compiles and packs like a
 * plugin author's build: four unlearners, one that returns &theta; ({@code keep-theta}: valid, so it
 * gets a row, and is flagged as a no-op), one that throws, one that returns NaN parameters without
 * the base class's check (both FAILED rows naming them; the run goes on), and one that zeroes
 * &theta; ({@code zero-theta}: flagged as collapsed).
 */
class ScoreboardPluginsTest {
  private static final String KEEP = """
      package com.example.plugins;
      import dev.unlearn.api.*;
      import dev.unlearn.core.unlearner.AbstractUnlearner;
      public final class KeepTheta extends AbstractUnlearner {
        public KeepTheta() { super("keep-theta", "returns theta unchanged"); }
        @Override protected Outcome run(UnlearningRequest r, HyperparameterValues v, Cost.Meter m) {
          return Outcome.of(r.parameters().dup());
        }
      }
      """;
  private static final String BOOM = """
      package com.example.plugins;
      import dev.unlearn.api.*;
      import dev.unlearn.core.unlearner.AbstractUnlearner;
      public final class Boom extends AbstractUnlearner {
        public Boom() { super("boom", "always throws"); }
        @Override protected Outcome run(UnlearningRequest r, HyperparameterValues v, Cost.Meter m) {
          throw new IllegalStateException("boom went the plugin");
        }
      }
      """;
  private static final String NAN = """
      package com.example.plugins;
      import dev.unlearn.api.*;
      import java.util.*;
      public final class NanTheta implements Unlearner {
        public String name() { return "nan-theta"; }
        public String description() { return "returns NaN parameters"; }
        public List<Hyperparameter<?>> hyperparameters() { return List.of(); }
        public boolean accepts(Model model) { return true; }
        public UnlearningResult unlearn(UnlearningRequest r) {
          return UnlearningResult.of(r.parameters().dup().assign(Double.NaN),
              new Cost(1, 0, 0, 0, -1));
        }
      }
      """;

  private static final String ZERO = """
      package com.example.plugins;
      import dev.unlearn.api.*;
      import dev.unlearn.core.unlearner.AbstractUnlearner;
      public final class ZeroTheta extends AbstractUnlearner {
        public ZeroTheta() { super("zero-theta", "sets every parameter to 0"); }
        @Override protected Outcome run(UnlearningRequest r, HyperparameterValues v, Cost.Meter m) {
          return Outcome.of(r.parameters().mul(0));
        }
      }
      """;

  static Path buildPluginJar(Path work) throws IOException {
    Path src = work.resolve("src/com/example/plugins");
    Files.createDirectories(src);
    Files.writeString(src.resolve("KeepTheta.java"), KEEP);
    Files.writeString(src.resolve("Boom.java"), BOOM);
    Files.writeString(src.resolve("NanTheta.java"), NAN);
    Files.writeString(src.resolve("ZeroTheta.java"), ZERO);
    Path classes = Files.createDirectories(work.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp",
        System.getProperty("java.class.path"), src.resolve("KeepTheta.java").toString(),
        src.resolve("Boom.java").toString(), src.resolve("NanTheta.java").toString(),
        src.resolve("ZeroTheta.java").toString());
    assertThat(rc).as("javac exit status").isZero();
    Path plugins = Files.createDirectories(work.resolve("plugins"));
    Path jar = plugins.resolve("example-plugins-1.0.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry("META-INF/services/dev.unlearn.api.Unlearner"));
      writeUtf8(out, "com.example.plugins.KeepTheta\ncom.example.plugins.Boom\n"
          + "com.example.plugins.NanTheta\ncom.example.plugins.ZeroTheta\n");
      out.closeEntry();
    }
    return plugins;
  }

  private static void writeUtf8(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void pluginsInADirectoryShowUpAndBrokenOnesAreFailedRowsNamingThem(@TempDir Path dir)
      throws Exception {
    Path plugins = buildPluginJar(dir);
    Outcome o = ScoreboardTest.run("scoreboard", "--plugins", plugins.toString(), "--model",
        "logistic", "--models", "2", "--methods", "retrain,keep-theta,boom,nan-theta,zero-theta", "--out",
        dir.resolve("out").toString(), "--cache", "none");
    assertThat(o.status()).as(o.err()).isZero();
    assertThat(o.err()).contains("[plugins] 1 jar(s)").contains("keep-theta").contains("boom")
        .contains("nan-theta");
    List<String> rows = o.out().lines().filter(l -> l.startsWith("| ")).toList();
    // keep-theta leaves theta as trained: every accuracy equals the original model's
    String original = rows.stream().filter(l -> l.startsWith("| (original) |")).findFirst()
        .orElseThrow();
    String keep = rows.stream().filter(l -> l.startsWith("| keep-theta |")).findFirst()
        .orElseThrow();
    List<String> oc = List.of(original.split("\\|"));
    List<String> kc = List.of(keep.split("\\|"));
    assertThat(kc.get(11).trim()).isEqualTo(oc.get(11).trim()); // retain accuracy
    assertThat(kc.get(13).trim()).isEqualTo(oc.get(13).trim()); // test accuracy
    assertThat(rows).anyMatch(l -> l.startsWith("| boom |") && l.contains("FAILED")
        && l.contains("boom went the plugin"));
    assertThat(rows).anyMatch(l -> l.startsWith("| nan-theta |") && l.contains("FAILED")
        && l.contains("com.example.plugins.NanTheta") && l.contains("NaN"));
    assertThat(rows).anyMatch(l -> l.startsWith("| retrain | 0.000 | 1.000 | 1.000"));
    // the silent no-op and the collapse are flagged; retrain is not
    assertThat(o.out()).contains("- **keep-theta**: no-op: the parameters did not move")
        .contains("- **zero-theta**: collapsed: test accuracy")
        .doesNotContain("- **retrain**");
  }

  @Test
  void aDirectoryWithoutJarsIsAnError(@TempDir Path dir) {
    Outcome o = ScoreboardTest.run("scoreboard", "--plugins", dir.toString());
    assertThat(o.status()).isEqualTo(2);
    assertThat(o.err()).contains("must hold at least one .jar");
  }
}
