/**
 * The deletion service: a stream of deletion requests against one trained model, each answered
 * by a Newton step on the remaining data with the prepared curvature downdated by the deleted rows'
 * own factors, and each appended to a hash-chained, fsynced JSON-lines journal ({@link
 * dev.unlearn.hessian.service.DeletionJournal}) that an auditor verifies ({@link
 * dev.unlearn.hessian.service.DeletionJournal#verify}).
 */
package dev.unlearn.hessian.service;
