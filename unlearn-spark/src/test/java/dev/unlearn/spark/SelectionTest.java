package dev.unlearn.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.unlearn.api.InvalidInputException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Selection.position against the plain definition (the index of id in the handle array). */
class SelectionTest {
  static void agrees(int[] handles, int total) {
    Selection s = Selection.of(handles, total);
    assertThat(s.size()).isEqualTo(handles.length);
    int[] expected = new int[total];
    java.util.Arrays.fill(expected, -1);
    for (int i = 0; i < handles.length; i++) {
      expected[handles[i]] = i;
    }
    for (int id = 0; id < total; id++) {
      assertThat(s.position(id)).as("id %d of %d handles", id, handles.length)
          .isEqualTo(expected[id]);
    }
  }

  @Test
  void everyEncodingGivesTheHandlesPositions() {
    Random random = new Random(8);
    int total = 40;
    for (int size : new int[] {0, 1, 19, 20, 21, 39, 40}) {
      // ascending (the complement encoding above total / 2) and shuffled (explicit)
      int[] ascending = random.ints(0, total).distinct().limit(size).sorted().toArray();
      agrees(ascending, total);
      int[] shuffled = ascending.clone();
      for (int i = shuffled.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = shuffled[i];
        shuffled[i] = shuffled[j];
        shuffled[j] = t;
      }
      agrees(shuffled, total);
    }
    assertThatThrownBy(() -> Selection.of(new int[] {3, 1, 3}, 5))
        .isInstanceOf(InvalidInputException.class).hasMessage("row handle 3 appears twice");
    assertThatThrownBy(() -> Selection.of(new int[] {0, 5}, 5))
        .isInstanceOf(InvalidInputException.class).hasMessage("row handle 1 (5) must be in [0, 5)");
  }
}
