package station

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/store"
)

// host is a station's view of the controller: status through the store's
// coalesced patches, persistence through a flush, its password Secret, and
// commands through the charger controller.
type host struct {
	r    *Reconciler
	name string
}

func (h *host) Status(edit func(*controllers.Status) error) {
	controllers.QueueStatusMerge(h.r.st, Kind, h.name, statusOwner, edit)
}

// Persist makes the station's latest status patch durable, which carries p
// (the station queues it before calling): a CSMS request is acknowledged
// only once what it set is on disk. The write waits for the station's
// status interval and is shared with every request answered meanwhile, so a
// CSMS flood of SetVariables costs one write per station per interval, not
// one per request, and flushes no other object early.
func (h *host) Persist(Persisted) error {
	return h.r.st.FlushObject(Kind, h.name)
}

// passwordSecret names the Secret holding the password the CSMS set.
func passwordSecret(charger string) string { return charger + "-ocpp-password" }

// SavePassword writes the station's own password Secret, creating it the
// first time. The store encrypts Secrets at rest.
func (h *host) SavePassword(password string) (*v1alpha1.SecretKeyRef, error) {
	name := passwordSecret(h.name)
	spec, err := json.Marshal(v1alpha1.SecretSpec{Type: v1alpha1.SecretBasicAuth, Data: map[string]string{"password": password}})
	if err != nil {
		return nil, err
	}
	obj := &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: v1alpha1.KindSecret, Spec: spec,
		Metadata: v1alpha1.ObjectMeta{Name: name, Labels: map[string]string{v1alpha1.ChargerLabel: h.name},
			Annotations: map[string]string{"ocppgw.dev/owner": "station: BasicAuthPassword set by the CSMS"}}}
	cur, err := h.r.st.Get(v1alpha1.KindSecret, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		_, err = h.r.st.Create(obj)
	case err == nil:
		obj.Metadata.ResourceVersion = cur.Metadata.ResourceVersion
		_, err = h.r.st.Update(obj)
	}
	if err != nil {
		return nil, fmt.Errorf("secret %q: %w", name, err)
	}
	return &v1alpha1.SecretKeyRef{Name: name, Key: "password"}, nil
}

func (h *host) Command(ctx context.Context, name string, connector int, args cel.Args) error {
	if h.r.commands == nil {
		return fmt.Errorf("charger %q: %w", h.name, cel.ErrUnsupported)
	}
	return h.r.commands.Command(ctx, h.name, name, connector, args)
}

// SaveTransaction writes the session in one store transaction: a new one
// is created with its status (the create alone would drop it), an existing
// one gets its status replaced. The station is the only writer of its
// sessions' status, so no resourceVersion is needed.
func (h *host) SaveTransaction(t *v1alpha1.Transaction, create bool) error {
	obj, err := v1alpha1.Encode(t)
	if err != nil {
		return fmt.Errorf("transaction %q: %w", t.Metadata.Name, err)
	}
	obj.Metadata.ResourceVersion = ""
	err = h.r.st.Txn(false, func(tx *store.Tx) error {
		if create {
			if _, err := tx.Create(obj); err != nil {
				return err
			}
		}
		_, err := tx.UpdateStatus(obj)
		return err
	})
	if err != nil {
		return fmt.Errorf("transaction %q: %w", t.Metadata.Name, err)
	}
	return nil
}

// Transactions reads the charger's sessions from the store.
func (h *host) Transactions() ([]*v1alpha1.Transaction, error) {
	objs, _ := h.r.st.List(v1alpha1.KindTransaction)
	var out []*v1alpha1.Transaction
	for _, o := range objs {
		if o.Metadata.Labels[v1alpha1.ChargerLabel] != h.name {
			continue
		}
		t, err := v1alpha1.DecodeTransaction(o)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// SaveProfiles stores the profiles put and deletes those named in del, in
// one store transaction: a SetChargingProfile that replaces another, or a
// ClearChargingProfile by criteria, is all or nothing. Each profile is
// admitted (defaulted and validated) like one applied through the API.
func (h *host) SaveProfiles(put []*v1alpha1.ChargingProfile, del []string) error {
	objs := make([]*v1alpha1.Object, 0, len(put))
	for _, p := range put {
		obj, err := v1alpha1.Encode(p)
		if err != nil {
			return fmt.Errorf("charging profile %q: %w", p.Metadata.Name, err)
		}
		obj.Metadata.ResourceVersion = ""
		if err := v1alpha1.Admit(obj); err != nil {
			return fmt.Errorf("charging profile %q: %w", p.Metadata.Name, err)
		}
		objs = append(objs, obj)
	}
	err := h.r.st.Txn(false, func(tx *store.Tx) error {
		for _, name := range del {
			if _, err := tx.Delete(profileKind, name, ""); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		for _, obj := range objs {
			cur, err := tx.Get(profileKind, obj.Metadata.Name)
			switch {
			case errors.Is(err, store.ErrNotFound):
				_, err = tx.Create(obj)
			case err == nil:
				obj.Metadata.ResourceVersion = cur.Metadata.ResourceVersion
				_, err = tx.Update(obj)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("charging profiles of %q: %w", h.name, err)
	}
	return nil
}

// Profiles reads the ChargingProfiles that apply to the charger alone (the
// CSMS's and its site shares) from the store.
func (h *host) Profiles() ([]*v1alpha1.ChargingProfile, error) {
	objs, _ := h.r.st.List(profileKind)
	var out []*v1alpha1.ChargingProfile
	for _, o := range objs {
		if o.Metadata.Labels[v1alpha1.ChargerLabel] != h.name {
			continue
		}
		p, err := v1alpha1.Decode[v1alpha1.ChargingProfile](o)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
