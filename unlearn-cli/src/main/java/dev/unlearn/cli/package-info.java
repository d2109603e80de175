/**
 * The {@code unlearn} command-line application: {@code scoreboard} (the README's main job, on the
 * embedded digits or on a CSV of your own), {@code canary} (the language-model case study) and
 * {@code score} (the competition score of two confidence files), with their reports. Flags are
 * parsed by picocli. May use every Unlearn module, an SLF4J binding, picocli and the report
 * libraries; no library module depends on it.
 */
package dev.unlearn.cli;
