package main

import (
	"context"
	"fmt"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// finder lists the objects of a kind that match a label selector, for the
// columns and describe sections that show related objects (the chargers an
// operator profile selects, a charger's profiles). nil where nothing may be
// fetched, e.g. in tests of pure tables.
type finder func(kind, selector string) ([]*v1alpha1.Object, error)

// newFinder lists through c, each request bounded by --request-timeout. It
// remembers each answer, so build one per table or watch event: a long-lived
// one would show counts that went stale.
func newFinder(ctx context.Context, root *rootOptions, c *client.Client) finder {
	type answer struct {
		objs []*v1alpha1.Object
		err  error
	}
	seen := map[string]answer{}
	return func(kind, selector string) ([]*v1alpha1.Object, error) {
		key := kind + "\x00" + selector
		if a, ok := seen[key]; ok {
			return a.objs, a.err
		}
		rctx, cancel := root.requestContext(ctx)
		defer cancel()
		var a answer
		l, err := c.List(rctx, kind, selector)
		if err != nil {
			a.err = fmt.Errorf("list %s -l %s: %w", kind, selector, err)
		} else {
			for i := range l.Items {
				a.objs = append(a.objs, &l.Items[i])
			}
		}
		seen[key] = a
		return a.objs, a.err
	}
}
