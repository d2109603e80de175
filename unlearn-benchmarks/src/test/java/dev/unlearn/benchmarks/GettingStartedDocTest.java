package dev.unlearn.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles the Java program in docs/getting-started.md against the project's class path and runs
 * it: the page's code must compile and work.
 */
class GettingStartedDocTest {
  @TempDir Path dir;

  static String javaBlock(Path markdown) throws Exception {
    String md = Files.readString(markdown, StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(md);
    assertThat(m.find()).as("a ```java block in " + markdown).isTrue();
    return m.group(1);
  }

  static Path docs() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("docs"))) {
      p = p.getParent();
    }
    assertThat(p).as("docs/ above the working directory").isNotNull();
    return p.resolve("docs");
  }

  @Test
  void theGettingStartedProgramCompilesAndRuns() throws Exception {
    String source = javaBlock(docs().resolve("getting-started.md"));
    Path src = dir.resolve("GettingStarted.java");
    Files.writeString(src, source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc = javac.run(null, diagnostics, diagnostics, "-classpath",
        System.getProperty("java.class.path"), "-d", dir.toString(), src.toString());
    assertThat(rc).as(diagnostics.toString()).isZero();

    PrintStream saved = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        getClass().getClassLoader())) {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      Method main = loader.loadClass("GettingStarted").getMethod("main", String[].class);
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(saved);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    System.out.print(out);
    assertThat(out).contains("finetune:", "retrain:", "cost: Cost[");
    Matcher d = Pattern.compile("relative distance to the retrained model: ([0-9.]+)").matcher(out);
    assertThat(d.find()).isTrue();
    double distance = Double.parseDouble(d.group(1));
    assertThat(distance).isBetween(0.0, 1.0);
  }
}
