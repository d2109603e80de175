package dev.unlearn.api;

import java.util.Locale;

/**
 * An (&epsilon;, &delta;) removal guarantee in the sense of Guo et al. (ICML 2020): the unlearned
 * model is (&epsilon;, &delta;)-indistinguishable from one retrained without the removed rows, as long
 * as the accumulated gradient-residual bound stays within the budget &sigma;&epsilon;/c.
 *
 * @param epsilon the privacy parameter &epsilon;
 * @param delta the failure probability &delta; = 1.5 e<sup>&minus;c&sup2;/2</sup>
 * @param budget the residual budget &sigma;&epsilon;/c
 * @param spent the accumulated data-dependent residual bound over all removals so far
 * @param retrainRequired true when {@code spent > budget}: the guarantee no longer holds and the
 *     model must be retrained. Always true when {@code spent} or {@code budget} is NaN or
 *     infinite: a bound that cannot be computed certifies nothing (the constructor enforces it).
 */
public record Certificate(double epsilon, double delta, double budget, double spent,
    boolean retrainRequired) {

  /** Forces {@code retrainRequired} when the bound or the budget is not a finite number. */
  public Certificate {
    if (!Double.isFinite(spent) || !Double.isFinite(budget) || !(spent <= budget)) {
      retrainRequired = true;
    }
  }

  /** The certificate of a bound {@code spent} against {@code budget}: retrain unless spent &le; budget. */
  public static Certificate of(double epsilon, double delta, double budget, double spent) {
    return new Certificate(epsilon, delta, budget, spent, !(spent <= budget));
  }

  /** What is left of the budget (negative once it is exceeded). */
  public double remaining() {
    return budget - spent;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "Certificate[eps=%g, delta=%.3g, spent %.4g of %.4g%s]", epsilon, delta, spent, budget,
        retrainRequired ? ", RETRAIN REQUIRED" : "");
  }
}
