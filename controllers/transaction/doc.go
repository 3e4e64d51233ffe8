// Package transaction is the controller that keeps the history of ended
// charging sessions bounded: it deletes an ended Transaction once its
// retention has passed, and the oldest ended ones of a charger beyond its
// history limit. A session that is still open, or whose TransactionEvents
// are not all acknowledged by the CSMS (a non-empty outbox), is never
// deleted: the outbox is what guarantees that no event is lost.
//
// It only deletes, and always with the resourceVersion it decided on, so a
// station writing the same Transaction meanwhile wins: the delete fails with
// a conflict and the next reconcile sees the new state.
package transaction
