// Package controllers is the shared controller runtime of ocppgw: a rate-limited
// work queue, per-kind informers fed by store watches, and a manager that runs
// controllers and shuts them down cleanly.
//
// The reconcile contract every controller keeps:
//
//   - Level-triggered. A work item is only an object name, never an event. The
//     reconciler reads the current state from the informer caches (desired: spec;
//     observed: status, devices) and makes the world match. It never asks what
//     changed, so a missed or merged event cannot leave the system wrong: the
//     next reconcile of the same name sees the same level.
//   - Idempotent. Reconciling a settled object twice does the same thing as
//     reconciling it once: nothing. In particular, status is written only when
//     its canonical JSON changed (UpdateStatusIfChanged). A write that moves
//     nothing but a timestamp would come back as a watch event and loop forever.
//     Condition timestamps move only when the condition's status flips.
//   - Requeue with backoff. A returned error re-queues the name with per-name
//     exponential backoff (5 ms doubling, capped at 5 minutes); success resets
//     it. TerminalError marks an error that retrying cannot fix: it is logged
//     and not retried. Result.RequeueAfter asks for another pass later (polling)
//     without counting as a failure.
//   - One at a time. The queue never hands the same name to two workers at once,
//     and a name added many times before a worker picks it up runs once.
//   - Status is shared. Several controllers may own different fields or
//     conditions of one object's status, so a controller merges the fields it
//     owns into the existing status (Status) instead of replacing it, and writes
//     with the resourceVersion it read so a concurrent writer causes a conflict
//     and a retry rather than a lost update.
//
// The runtime around the contract, after controller-runtime and client-go:
//
//   - Typed caches. An informer decodes each object once, when its event
//     arrives, into the Go type a Lister asked for; reconciles read those
//     shared, read-only values (Lister.Get, List). An object that does not
//     decode stays cached and indexed, and Get returns its DecodeError for
//     the reconcile to report.
//   - Indexes. An informer keeps indexes (AddIndex, ByIndex), among them the
//     reverse of v1alpha1.References (IndexReferences, Referrers), so "who
//     uses this template, bus, CSMS or Secret" is a map lookup and handlers
//     only look names up and enqueue them.
//   - Event filters. A controller sees changes of its kind and of each kind
//     it Watches that pass its predicates: by default a change of spec
//     (generation), labels or annotations. Status written by others reaches
//     it only where it asks for it (StatusChanged, TypedChanged), and its own
//     status writes (Controller.UpdateStatusIfChanged) never do.
//   - One shape. Every controller package has Setup(Options) SetupFunc and a
//     SetupWithManager that declares, in one place, what it watches and why.
//
// Layout: queue.go and clock.go hold the work queue, informer.go the caches,
// lister.go the typed reads, index.go the indexes, predicate.go the event
// filters, controller.go the worker loop, manager.go the wiring and
// lifecycle, status.go the status-merging helpers.
package controllers
