package dev.unlearn.spark;

import dev.unlearn.api.InvalidInputException;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Which rows of a distributed data set a {@link dev.unlearn.api.Dataset} of row handles names, and
 * where each sits in it: the position of row id in the handle set, or &minus;1. Kept small for
 * broadcasting: a set of ascending ids larger than half the data is stored as the ids it leaves out.
 */
final class Selection implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int total;
  private final int size;
  /** Ascending: the ids left out (complement) or the ids chosen. */
  private final int[] ids;
  /** For chosen ids: their positions in the handle set (ids[i] sits at positions[i]). */
  private final int[] positions;
  private final boolean complement;

  private Selection(int total, int size, int[] ids, int[] positions, boolean complement) {
    this.total = total;
    this.size = size;
    this.ids = ids;
    this.positions = positions;
    this.complement = complement;
  }

  /** The selection of the given row ids, in their order (distinct, each in [0, total)). */
  static Selection of(int[] handles, int total) {
    int n = handles.length;
    boolean ascending = true;
    for (int i = 0; i < n; i++) {
      InvalidInputException.check(handles[i] >= 0 && handles[i] < total,
          "row handle %d (%d) must be in [0, %d)", i, handles[i], total);
      if (i > 0 && handles[i] <= handles[i - 1]) {
        ascending = false;
      }
    }
    if (ascending && n > total / 2) {
      int[] out = new int[total - n];
      int j = 0;
      int k = 0;
      for (int id = 0; id < total; id++) {
        if (j < n && handles[j] == id) {
          j++;
        } else {
          out[k++] = id;
        }
      }
      return new Selection(total, n, out, null, true);
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(handles[a], handles[b]));
    int[] sorted = new int[n];
    int[] pos = new int[n];
    for (int i = 0; i < n; i++) {
      sorted[i] = handles[order[i]];
      pos[i] = order[i];
      InvalidInputException.check(i == 0 || sorted[i] != sorted[i - 1],
          "row handle %d appears twice", sorted[i]);
    }
    return new Selection(total, n, sorted, pos, false);
  }

  /** The number of rows chosen. */
  int size() {
    return size;
  }

  /** The position of row {@code id} in the handle set, or &minus;1 when it is not chosen. */
  int position(int id) {
    int k = Arrays.binarySearch(ids, id);
    if (complement) {
      return k >= 0 ? -1 : id - (-k - 1);
    }
    return k >= 0 ? positions[k] : -1;
  }
}
