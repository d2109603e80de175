package dev.unlearn.lm;

/** Context windows of id sequences, shared by the corpus, the scores and the canary scorer. */
final class Sequences {
  private Sequences() {}

  /**
   * Writes the k-character context of every position t of {@code ids} (ids[t-k..t-1], with
   * {@link CharVocabulary#START} before the start) as row {@code row + t} of the row-major
   * matrix {@code out} (k columns).
   */
  static void contexts(int[] ids, int k, double[] out, int row) {
    for (int t = 0; t < ids.length; t++) {
      int base = (row + t) * k;
      for (int j = 0; j < k; j++) {
        int src = t - k + j;
        out[base + j] = src < 0 ? CharVocabulary.START : ids[src];
      }
    }
  }
}
