package server

import (
	"context"
	"log/slog"

	"github.com/ocppgw/ocppgw/api/audit"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// actionDeleted completes the apply actions for DELETE.
const actionDeleted v1alpha1.ApplyAction = "deleted"

// logApply logs what an apply changed.
func (s *Server) logApply(ctx context.Context, res *v1alpha1.ApplyResult) {
	if res == nil || res.DryRun {
		return
	}
	for _, it := range res.Items {
		switch it.Action {
		case v1alpha1.ActionUnchanged:
		case v1alpha1.ActionPruned:
			s.logChange(ctx, it.Action, it.Old)
		default:
			s.logChange(ctx, it.Action, it.Object)
		}
	}
}

// logChange logs at info level, and notes for the request's audit record,
// a change of what the operator declares: an object created, configured
// or deleted through the API, with its revision and generation. Unchanged
// objects and status writes are not logged: they are not the operator's
// doing.
func (s *Server) logChange(ctx context.Context, action v1alpha1.ApplyAction, obj *v1alpha1.Object) {
	if obj == nil {
		return
	}
	audit.Note(ctx, audit.Object{Action: string(action), Kind: obj.Kind, Name: obj.Metadata.Name, Revision: obj.Metadata.ResourceVersion})
	s.log.LogAttrs(context.Background(), slog.LevelInfo, changeMessage(action),
		slog.String("kind", obj.Kind), slog.String("name", obj.Metadata.Name),
		slog.String("revision", obj.Metadata.ResourceVersion), slog.Int64("generation", obj.Metadata.Generation))
}

// changeMessage is the log message for action, a constant for each action
// so that the message catalogs can translate it.
func changeMessage(action v1alpha1.ApplyAction) string {
	switch action {
	case v1alpha1.ActionCreated:
		return "created"
	case v1alpha1.ActionConfigured:
		return "configured"
	case v1alpha1.ActionPruned:
		return "pruned"
	case actionDeleted:
		return "deleted"
	}
	return "changed"
}
