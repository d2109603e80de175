/**
 * Test support shipped in unlearn-core's test-jar: the tolerance rule, the unlearner conformance
 * kit that every unlearner's test extends (plugin authors included), and small fixtures. Uses JUnit
 * 5, AssertJ and the core module.
 */
package dev.unlearn.core.testing;
