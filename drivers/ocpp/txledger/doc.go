// Package txledger audits the TransactionEvents a CSMS received, the way a
// CSMS operator billing the sessions would: fed each TransactionEventRequest
// payload in arrival order, it reports per transactionId the duplicates,
// gaps in seqNo, events out of order or after Ended, and whether each
// transaction has exactly one Started and one Ended. It does no I/O, so any
// test peer (strictcsms, gocsms) can feed it what it recorded.
package txledger
