package dev.unlearn.hessian.unlearner;

import dev.unlearn.api.Dataset;
import dev.unlearn.api.InvalidInputException;
import dev.unlearn.api.Model;
import dev.unlearn.api.TrainingRecipe;
import dev.unlearn.core.model.LogisticRegression;
import dev.unlearn.core.train.Trainer;
import dev.unlearn.core.train.TrainingResult;
import dev.unlearn.hessian.internal.SmallDense;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Certified removal for L2-regularised multinomial logistic regression (Guo, Goldstein, Hannun,
 * van der Maaten, ICML 2020, arXiv 1911.03030): objective-perturbed training, the (&epsilon;,
 * &delta;) bookkeeping, and the data-dependent gradient-residual bound of one Newton removal.
 *
 * <p><b>Scaling.</b> Guo et al. state everything for the <i>sum</i> objective L<sub>&Sigma;</sub>(&theta;;
 * D) = &Sigma;<sub>i</sub> &ell;<sub>i</sub>(&theta;) + (&lambda;n/2)&Vert;&theta;&Vert;&sup2; +
 * b<sup>T</sup>&theta;, b ~ N(0, &sigma;&sup2;I). Our models minimise the <i>mean</i>, so training adds the
 * linear term c = b/n to the model's objective (n the number of training rows): L(&theta;) =
 * L<sub>&Sigma;</sub>/n. After removals the same b is kept and the retain objective is
 * L<sub>r</sub>(&theta;) = model loss on the n<sub>r</sub> retain rows + b<sup>T</sup>&theta;/n<sub>r</sub>, again
 * L<sub>&Sigma;</sub>(&theta;; D')/n<sub>r</sub> (their &lambda;(n&minus;1) rescaling of the regulariser is
 * automatic in the mean). Gradient residuals, bounds and budgets below are in the sum scale:
 * &Vert;&nabla;L<sub>&Sigma;</sub>&Vert; = n<sub>r</sub> &Vert;&nabla;L<sub>r</sub>&Vert;.
 *
 * <p><b>Guarantee</b> (their Theorem 3): if every removal leaves &Vert;&nabla;L<sub>&Sigma;</sub>(&theta;';
 * D')&Vert; &le; &epsilon;' and &sigma; = c&epsilon;'/&epsilon;, the result is (&epsilon;, &delta;)-certified with
 * &delta; = 1.5e<sup>&minus;c&sup2;/2</sup>; with the residual bounds of successive removals summed, the
 * budget is &epsilon;' = &sigma;&epsilon;/c. Training is taken to reach the exact perturbed optimum
 * (as in the paper, whose experiments use L-BFGS too).
 *
 * <p><b>Bound</b> ({@link #residualBound}). For a step v with &theta;' = &theta; + v on the retain set
 * (X&#771; = the n<sub>r</sub> retain feature rows with a column of ones for the bias, V the (d+1) &times; k
 * reshape of v in our layout [W, b]):
 * &Vert;&nabla;L<sub>&Sigma;</sub>(&theta;')&Vert; &le; n<sub>r</sub>&Vert;&nabla;L<sub>r</sub>(&theta;) +
 * H<sub>r</sub>v&Vert; + (&gamma;/2) &Vert;X&#771;&Vert;<sub>2</sub> (&Sigma;<sub>i</sub>&Vert;u<sub>i</sub>&Vert;<sup>4</sup>)<sup>1/2</sup>,
 * u<sub>i</sub> = V<sup>T</sup>x&#771;<sub>i</sub> the change of row i's logits along the step. The first
 * term is the solve's own residual (zero for an exact solve; measured, so inexact solves and damping
 * stay covered). The second bounds the Taylor remainder &Sigma;<sub>i</sub> x&#771;<sub>i</sub> &otimes;
 * &rho;<sub>i</sub>, &rho;<sub>i</sub> = &int;<sub>0</sub><sup>1</sup>(A<sub>i</sub>(z<sub>i</sub> + tu<sub>i</sub>) &minus;
 * A<sub>i</sub>(z<sub>i</sub>))u<sub>i</sub> dt with A the logit Hessian: &Vert;&rho;<sub>i</sub>&Vert; &le;
 * &gamma;&Vert;u<sub>i</sub>&Vert;<sup>2</sup>/2 and &Vert;X&#771;<sup>T</sup>R&Vert;<sub>F</sub> &le;
 * &Vert;X&#771;&Vert;<sub>2</sub>&Vert;R&Vert;<sub>F</sub>. As &Vert;u<sub>i</sub>&Vert; &le;
 * &Vert;v&Vert;&Vert;x&#771;<sub>i</sub>&Vert;, it is never larger than Guo et al.'s form (&gamma;/2)
 * &Vert;X&#771;&Vert;<sub>2</sub> max<sub>i</sub>&Vert;x&#771;<sub>i</sub>&Vert; &Vert;v&Vert; &Vert;X&#771;V&Vert;<sub>F</sub>
 * (their &Vert;x<sub>i</sub>&Vert; &le; 1 drops the max), and it needs no bound on the row norms. The
 * 1/2 comes from the mean-value integral, and
 * &gamma; = 1/&radic;2 ({@link #GAMMA}) is the Lipschitz constant of the
 * softmax cross-entropy's logit Hessian diag(s) &minus; ss<sup>T</sup> in the spectral norm (its
 * directional derivative along u is the third cumulant E[(U&minus;&#363;)(W&minus;w&#772;)&sup2;], bounded by
 * range(u)&middot;Var(w) &le; &radic;2&Vert;u&Vert;&middot;&Vert;w&Vert;&sup2;/2). Guo et al.'s &gamma; = 1/4 is for the
 * binary logistic loss and does not cover the multinomial model.
 */
public final class CertifiedRemoval {
  /** Lipschitz constant of z &#8614; diag(softmax z) &minus; ss<sup>T</sup> (spectral norm, Euclidean z). */
  public static final double GAMMA = 1 / Math.sqrt(2);

  private CertifiedRemoval() {}

  /**
   * The perturbation b ~ N(0, &sigma;&sup2;I<sub>p</sub>) in the sum scale, from a seeded generator
   * (the same seed gives the same b). &sigma; = 0 gives zeros.
   */
  public static INDArray noise(Model model, double sigma, long seed) {
    InvalidInputException.check(model != null, "model must not be null");
    InvalidInputException.check(sigma >= 0 && Double.isFinite(sigma),
        "sigma (%s) must be >= 0 and finite", sigma);
    return SecondOrder.gaussian(model.numParameters(), seed, DataType.DOUBLE).muli(sigma)
        .castTo(model.dataType());
  }

  /** The linear term of the mean objective on n rows: c = b / n. */
  public static INDArray linearTerm(INDArray b, int n) {
    InvalidInputException.check(n >= 1, "n (%d) must be >= 1", n);
    return b.div(n);
  }

  /**
   * Trains with objective perturbation: minimises the model's mean objective on {@code data} plus
   * (b/n)<sup>T</sup>&theta;, b = {@link #noise}(model, sigma, seed), with the recipe (L-BFGS
   * recommended: the guarantee assumes the exact optimum).
   *
   * @throws InvalidInputException if the model is not L2-regularised logistic regression
   */
  public static TrainingResult trainPerturbed(Model model, Dataset data, TrainingRecipe recipe,
      double sigma, long seed) {
    checkModel(model);
    INDArray b = noise(model, sigma, seed);
    return Trainer.builder(recipe).linearTerm(linearTerm(b, data.size())).build().train(model, data);
  }

  /** &delta; = 1.5 e<sup>&minus;c&sup2;/2</sup>. */
  public static double delta(double c) {
    InvalidInputException.check(c > 0 && Double.isFinite(c), "c (%s) must be > 0", c);
    return 1.5 * Math.exp(-c * c / 2);
  }

  /** The c that gives &delta;: c = (2 ln(1.5/&delta;))<sup>1/2</sup>, the inverse of {@link #delta}. */
  public static double cForDelta(double delta) {
    InvalidInputException.check(delta > 0 && delta < 1.5, "delta (%s) must be in (0, 1.5)", delta);
    return Math.sqrt(2 * Math.log(1.5 / delta));
  }

  /**
   * The data with every feature row scaled to unit Euclidean norm (a zero row stays zero): Guo et
   * al.'s preprocessing, under which their worst-case bound holds and the residual bound is
   * smallest for a given accuracy. The input is not changed; labels and groups are kept.
   */
  public static Dataset unitRows(Dataset data) {
    InvalidInputException.check(data != null, "data must not be null");
    INDArray x = data.features(DataType.DOUBLE).dup('c');
    INDArray norms = x.norm2(1);
    for (int i = 0; i < data.size(); i++) {
      double norm = norms.getDouble(i);
      if (norm > 0) {
        x.getRow(i).divi(norm);
      }
    }
    INDArray out = x.castTo(data.features().dataType());
    return data.groups().map(g -> Dataset.of(out, data.labels(), data.numClasses(), g))
        .orElseGet(() -> Dataset.of(out, data.labels(), data.numClasses()));
  }

  /** The residual budget &epsilon;' = &sigma;&epsilon;/c (sum scale). */
  public static double budget(double sigma, double epsilon, double c) {
    InvalidInputException.check(sigma > 0 && Double.isFinite(sigma), "sigma (%s) must be > 0", sigma);
    InvalidInputException.check(epsilon > 0 && Double.isFinite(epsilon), "epsilon (%s) must be > 0",
        epsilon);
    InvalidInputException.check(c > 0 && Double.isFinite(c), "c (%s) must be > 0", c);
    return sigma * epsilon / c;
  }

  /**
   * The data-dependent bound on &Vert;&nabla;L<sub>&Sigma;</sub>(&theta; + v; retain)&Vert; (sum scale),
   * given the measured solve residual &Vert;&nabla;L<sub>r</sub>(&theta;) + H<sub>r</sub>v&Vert; (mean scale).
   */
  public static double residualBound(Model model, Dataset retain, INDArray step,
      double solveResidual) {
    checkModel(model);
    int n = retain.size();
    double spectral = model instanceof RemoteRows remote ? spectralNormWithOnes(remote, retain)
        : spectralNormWithOnes(features(retain), n, retain.numFeatures());
    // u_i = V^T x~_i, the change of row i's logits along the step (no softmax): X W_v + 1 b_v^T
    double fourth = model instanceof RemoteRows remote ? remote.logitNormFourthPowerSum(step, retain)
        : logitNormFourthPowerSum(model.logits(step, retain.features(model.dataType())));
    return n * solveResidual + GAMMA / 2 * spectral * Math.sqrt(fourth);
  }

  /** &Sigma;<sub>i</sub>(&Sigma;<sub>j</sub>u<sub>ij</sub>&sup2;)&sup2; over the rows of an n &times; k matrix. */
  public static double logitNormFourthPowerSum(INDArray logits) {
    double[] u = logits.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    int k = (int) logits.columns();
    double fourth = 0;
    for (int i = 0; i < u.length; i += k) {
      double s = 0;
      for (int j = 0; j < k; j++) {
        s += u[i + j] * u[i + j];
      }
      fourth += s * s;
    }
    return fourth;
  }

  /** &Vert;[X, 1]&Vert;<sub>2</sub> (exact for d &lt; 399 by Jacobi on the Gram matrix, else the Frobenius norm, an upper bound). */
  static double spectralNormWithOnes(double[] x, int n, int d) {
    int m = d + 1;
    if (m >= 400) {
      double s = n;
      for (double v : x) {
        s += v * v;
      }
      return Math.sqrt(s);
    }
    INDArray xt = Nd4j.create(x, new long[] {n, d}, 'c');
    INDArray gram = Nd4j.create(DataType.DOUBLE, new long[] {m, m}, 'c');
    INDArray withOnes = Nd4j.hstack(xt, Nd4j.ones(DataType.DOUBLE, n, 1));
    Nd4j.gemm(withOnes, withOnes, gram, true, false, 1.0, 0.0);
    return spectralNormFromGram(gram.dup('c').data().asDouble(), m);
  }

  /** The same for rows that live elsewhere: from their Gram matrix, or their Frobenius norm. */
  static double spectralNormWithOnes(RemoteRows rows, Dataset handles) {
    Model local = rows.local();
    int m = local.numInputs() + 1;
    if (m >= 400) {
      return Math.sqrt(rows.frobeniusSquaredWithOnes(handles));
    }
    return spectralNormFromGram(rows.gramWithOnes(handles), m);
  }

  private static double spectralNormFromGram(double[] gram, int m) {
    double[] s = new double[m];
    double[] u = new double[m * m];
    SmallDense.jacobiSvd(gram, m, s, u);
    // Jacobi is accurate to a few ulps relative; pad so the bound stays an upper bound
    return Math.sqrt(s[0] * (1 + 1e-12));
  }

  private static double[] features(Dataset data) {
    return data.features().dup('c').data().asDouble();
  }

  static void checkModel(Model model) {
    Model local = model instanceof RemoteRows remote ? remote.local() : model;
    InvalidInputException.check(local instanceof LogisticRegression,
        "model (%s) must be logistic regression for certified removal",
        model == null ? "null" : model.name());
    InvalidInputException.check(model.l2() > 0,
        "the model's l2 (%s) must be > 0 for certified removal", model.l2());
  }

}
