package dev.unlearn.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The vocabulary, the dictd parser, the embedded corpus and the conversion to examples. */
class CorpusTest {
  private final CharVocabulary vocab = CharVocabulary.standard();

  @Test
  void vocabularyNormalisesAndMapsRareCharactersToOther() {
    assertThat(vocab.size()).isEqualTo(41);
    assertThat(CharVocabulary.normalize("  Hello,\n    World!\t ")).isEqualTo("hello, world!");
    int[] ids = vocab.encode("Ab 9!");
    // start 0, other 1, ' ' 2, a 3, b 4, ..., '0' 29, ..., '9' 38.
    assertThat(ids).containsExactly(3, 4, 2, 38, CharVocabulary.OTHER);
    assertThat(vocab.decode(new int[] {0, 1, 2, 3, 40})).isEqualTo("^? a,");
    assertThat(vocab.encode("")).isEmpty();
    assertThat(vocab.id('\u00e9')).isEqualTo(CharVocabulary.OTHER);
    assertThatThrownBy(() -> CharVocabulary.of("abca"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("'a' must not repeat");
    assertThatThrownBy(() -> CharVocabulary.of("aB"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("character 1 ('B')");
    assertThatThrownBy(() -> vocab.decode(new int[] {41}))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("id 0 (41) must be in [0, 41)");
  }

  @Test
  void parserSplitsDictdEntriesAtCapitalisedHeadwordsAfterBlankLines() {
    String text = String.join("\n",
        "00-database-short",
        "     The Devil's Dictionary",
        "",
        "The preface is dropped.",
        "",
        "ABASEMENT, n.  A decent attitude",
        "in the presence of wealth.",
        "",
        "    Poor Isabella's Dead, whose abdication",
        "THIS LINE, not after a blank line, stays in the entry.",
        "",
        "I is the first letter.",
        "",
        "CUI BONO?  [Latin]  What good?",
        "",
        "lower-case after a blank line continues the entry.",
        " abcdefghijklmnopqrstuvwxyz",
        "");
    Corpus c = DevilsDictionary.parse(text);
    assertThat(c.documents()).extracting(Document::title).containsExactly("ABASEMENT", "I", "CUI");
    assertThat(c.documents()).extracting(Document::group).containsExactly(0, 1, 2);
    assertThat(c.documents().get(0).text()).isEqualTo(String.join("\n",
        "ABASEMENT, n.  A decent attitude", "in the presence of wealth.", "",
        "    Poor Isabella's Dead, whose abdication",
        "THIS LINE, not after a blank line, stays in the entry."));
    assertThat(c.documents().get(2).text()).isEqualTo(
        "CUI BONO?  [Latin]  What good?\n\nlower-case after a blank line continues the entry.");
    assertThatThrownBy(() -> DevilsDictionary.parse("no entry here\n"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("must contain an entry");
  }

  @Test
  void embeddedDictionaryHas999EntriesFromAbasementToZoology() {
    Corpus d = DevilsDictionary.load();
    List<Document> docs = d.documents();
    assertThat(docs).hasSize(999);
    assertThat(docs.get(0).title()).isEqualTo("ABASEMENT");
    assertThat(docs.get(998).title()).isEqualTo("ZOOLOGY");
    assertThat(docs.get(998).text()).endsWith("sheds its horn every two years.");
    Set<String> titles = new HashSet<>();
    for (Document doc : docs) {
      titles.add(doc.title());
      assertThat(doc.text()).doesNotContain("00-database").doesNotContain("abcdefghijklmnopqrstuvwxyz");
    }
    assertThat(titles).contains("I", "J", "K", "X", "W", "CUI", "BABE", "TZETZE");
    // Oracle: the raw text's character count bounds the corpus; most characters are in the alphabet.
    long chars = d.characters();
    assertThat(chars).isBetween(300_000L, 380_000L);
    Dataset all = d.examples(vocab, 3);
    long other = 0;
    for (int y : all.labels()) {
      other += y == CharVocabulary.OTHER ? 1 : 0;
    }
    System.out.printf("devils dictionary: %d entries, %d characters, %.2f %% other%n", docs.size(),
        chars, 100.0 * other / chars);
    assertThat((double) other / chars).isLessThan(0.03);
  }

  @Test
  void examplesAreContextsPaddedWithTheStartIdAndCarryTheDocumentGroup() {
    Corpus c = Corpus.of(List.of(new Document(5, "a", "Ab c"), new Document(9, "b", "z")));
    Dataset x = c.examples(vocab, 2);
    // "ab c": a=3, b=4, ' '=2, c=5; "z": 28.
    double[][] expected = {{0, 0}, {0, 3}, {3, 4}, {4, 2}, {0, 0}};
    assertThat(x.size()).isEqualTo(5);
    assertThat(x.numClasses()).isEqualTo(41);
    for (int i = 0; i < 5; i++) {
      assertThat(x.features().getRow(i).toDoubleVector()).containsExactly(expected[i]);
    }
    assertThat(x.labels()).containsExactly(3, 4, 2, 5, 28);
    assertThat(x.groups().orElseThrow()).containsExactly(5, 5, 5, 5, 9);
    assertThatThrownBy(() -> c.examples(vocab, 0))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("context (0) must be >= 1");
    assertThatThrownBy(() -> Corpus.of(List.of(new Document(0, "e", " "))).examples(vocab, 2))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("must have a character");
  }

  @Test
  void splitIsByDocumentSeededAndExhaustive() {
    long seed = 42;
    Corpus d = DevilsDictionary.load();
    Corpus.Split s = d.split(0.1, seed);
    Corpus.Split again = d.split(0.1, seed);
    assertThat(s.test().size()).isEqualTo(100);
    assertThat(s.train().size()).isEqualTo(899);
    assertThat(s.test().documents()).isEqualTo(again.test().documents());
    assertThat(d.split(0.1, seed + 1).test().documents()).isNotEqualTo(s.test().documents());
    Set<Integer> groups = new HashSet<>();
    s.train().documents().forEach(doc -> groups.add(doc.group()));
    s.test().documents().forEach(doc -> assertThat(groups.add(doc.group())).isTrue());
    assertThat(groups).hasSize(999);
    assertThat(d.sample(10, seed).size()).isEqualTo(10);
    assertThatThrownBy(() -> d.split(1.0, seed))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("testFraction (1.0)");
  }
}
