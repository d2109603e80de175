package dev.unlearn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs show the example projects' files verbatim. The examples themselves are built and tested
 * as standalone projects against the installed artifacts by the Maven invoker (the {@code examples}
 * module), so a page that shows them shows code that compiles and passes its tests.
 */
class DocsShowTheExamplesTest {
  static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples"))) {
      p = p.getParent();
    }
    assertThat(p).as("examples/ above the working directory").isNotNull();
    return p;
  }

  static List<String> fencedBlocks(Path markdown) throws Exception {
    String md = Files.readString(markdown, StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("```[a-z]*\\n(.*?)```", Pattern.DOTALL).matcher(md);
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  static void assertShows(String doc, String example, String... files) throws Exception {
    Path root = root();
    List<String> blocks = fencedBlocks(root.resolve("docs").resolve(doc));
    for (String f : files) {
      String content = Files.readString(root.resolve("examples").resolve(example).resolve(f),
          StandardCharsets.UTF_8);
      assertThat(blocks).as(doc + " shows examples/" + example + "/" + f + " verbatim")
          .contains(content.endsWith("\n") ? content : content + "\n");
    }
  }

  @Test
  void gettingStartedShowsItsExampleProject() throws Exception {
    assertShows("getting-started.md", "getting-started", "pom.xml",
        "src/main/java/example/GettingStarted.java",
        "src/test/java/example/GettingStartedTest.java");
  }

  @Test
  void pluginsPageShowsThePluginExampleProject() throws Exception {
    assertShows("plugins.md", "plugin", "pom.xml",
        "src/main/java/com/example/halfway/HalfwayUnlearner.java",
        "src/test/java/com/example/halfway/HalfwayUnlearnerTest.java",
        "src/main/resources/META-INF/services/dev.unlearn.api.Unlearner");
  }

  @Test
  void everyExampleIsAStandaloneProjectOnTheBomWithATestCountCheck() throws Exception {
    Path examples = root().resolve("examples");
    List<Path> projects;
    try (Stream<Path> s = Files.list(examples)) {
      projects = s.filter(p -> Files.isRegularFile(p.resolve("pom.xml"))).toList();
    }
    assertThat(projects).hasSizeGreaterThanOrEqualTo(3);
    for (Path p : projects) {
      String pom = Files.readString(p.resolve("pom.xml"), StandardCharsets.UTF_8);
      assertThat(pom).as(p + ": no parent, the BOM by version")
          .doesNotContain("<parent>").contains("<artifactId>unlearn-bom</artifactId>")
          .contains("<scope>import</scope>");
      assertThat(p.resolve("verify.groovy")).as(p + " checks its test count").exists();
    }
  }

  @Test
  void ownModelPageShowsTheOwnModelExampleProject() throws Exception {
    assertShows("own-model.md", "own-model", "src/main/java/example/OwnModels.java",
        "src/main/java/example/SoftmaxRegression.java",
        "src/test/java/example/SoftmaxRegressionContractTest.java");
  }
}
