package server

import (
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

func actions(res *v1alpha1.ApplyResult) string {
	var out []string
	for _, it := range res.Items {
		out = append(out, it.Kind+"/"+it.Name+"="+string(it.Action))
	}
	return strings.Join(out, " ")
}

func allKinds(t *testing.T, e *env) int {
	n := 0
	for _, k := range v1alpha1.Kinds() {
		if k.Kind == "Token" {
			continue // the test's own admin token
		}
		objs, _ := e.st.List(k.Kind)
		n += len(objs)
	}
	return n
}

func TestApplyInvalidThirdDocumentStoresNothing(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	bad := strings.Replace(busYAML, "device: /dev/ttyUSB0", "device: /dev/ttyUSB0\n  baudRate: fast", 1)
	body := join(secretYAML, csmsYAML, bad, templateYAML, chargerYAML)
	rev := e.st.Revision()
	_, err := e.c.Apply(ctx(t), body, client.ApplyOptions{})
	st := statusOf(t, err)
	if st.Code != 422 || !client.IsInvalid(err) {
		t.Fatalf("status = %+v", st)
	}
	if !hasCause(st, 3, "spec.baudRate", "document 3 (Bus/rs485-0)") {
		t.Fatalf("no cause naming document 3 and spec.baudRate: %+v", st.Details)
	}
	if !strings.Contains(st.Message, "document 3") || !strings.Contains(st.Message, "spec.baudRate") {
		t.Errorf("message %q does not say where", st.Message)
	}
	if n := allKinds(t, e); n != 0 || e.st.Revision() != rev {
		t.Fatalf("stored %d objects, revision %d -> %d", n, rev, e.st.Revision())
	}
}

func TestApplyReportsEveryBadDocument(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	var docs []string
	for i := 0; i < 7; i++ {
		docs = append(docs, strings.Replace(busYAML, "rs485-0", "BAD"+string(rune('a'+i)), 1))
	}
	_, err := e.c.Apply(ctx(t), join(docs...), client.ApplyOptions{})
	st := statusOf(t, err)
	if len(st.Details.Causes) != 7 || !strings.HasPrefix(st.Message, "7 documents are invalid: document 1") || !strings.HasSuffix(st.Message, "and 2 more") {
		t.Fatalf("status = %s / %d causes", st.Message, len(st.Details.Causes))
	}
}

func TestApplyUnknownKindAndSyntax(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	_, err := e.c.Apply(ctx(t), join(busYAML, strings.Replace(busYAML, "kind: Bus", "kind: Busz", 1)), client.ApplyOptions{})
	if st := statusOf(t, err); st.Code != 422 || !hasCause(st, 2, "kind", `unknown kind "Busz"`) {
		t.Fatalf("unknown kind: %+v", st)
	}
	_, err = e.c.Apply(ctx(t), []byte("kind: Bus\n  metadata: [\n"), client.ApplyOptions{})
	if st := statusOf(t, err); st.Code != 400 || !strings.Contains(st.Message, "invalid YAML") {
		t.Fatalf("YAML syntax: %+v", st)
	}
	_, err = e.c.Apply(ctx(t), []byte("# nothing\n"), client.ApplyOptions{})
	if st := statusOf(t, err); st.Code != 400 || !strings.Contains(st.Message, "no objects") {
		t.Fatalf("empty apply: %+v", st)
	}
	_, err = e.c.Apply(ctx(t), join(busYAML, busYAML), client.ApplyOptions{})
	if st := statusOf(t, err); st.Code != 422 || !hasCause(st, 2, "metadata.name", "defined twice") {
		t.Fatalf("duplicate: %+v", st)
	}
	if n := allKinds(t, e); n != 0 {
		t.Fatalf("stored %d objects", n)
	}
}

func TestApplyCreateUnchangedConfigured(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	// The Charger comes before what it references: the request is one set.
	body := join(chargerYAML, secretYAML, csmsYAML, templateYAML)
	res, err := e.c.Apply(ctx(t), body, client.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(res); got != "Charger/ch-1=created Secret/pw=created CSMS/csms1=created Template/tpl=created" {
		t.Fatalf("first apply: %s", got)
	}
	ch := res.Items[0].Object
	la := ch.Metadata.Annotations[LastAppliedAnnotation]
	if !strings.Contains(la, `"kind":"Charger"`) || strings.Contains(la, "resourceVersion") || strings.Contains(la, LastAppliedAnnotation) {
		t.Errorf("last-applied = %s", la)
	}
	rev := e.st.Revision()

	res, err = e.c.Apply(ctx(t), body, client.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range res.Items {
		if it.Action != v1alpha1.ActionUnchanged || it.Old == nil || it.Object.Metadata.ResourceVersion != it.Old.Metadata.ResourceVersion {
			t.Fatalf("second apply: %s", actions(res))
		}
	}
	if e.st.Revision() != rev {
		t.Fatalf("unchanged apply used revisions %d -> %d", rev, e.st.Revision())
	}

	changed := strings.Replace(string(body), "10.0.0.5", "10.0.0.7", 1)
	res, err = e.c.Apply(ctx(t), []byte(changed), client.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(res); got != "Charger/ch-1=configured Secret/pw=unchanged CSMS/csms1=unchanged Template/tpl=unchanged" {
		t.Fatalf("third apply: %s", got)
	}
	if it := res.Items[0]; it.Object.Metadata.Generation != 2 || !strings.Contains(string(it.Old.Spec), "10.0.0.5") {
		t.Fatalf("configured item: %+v", it)
	}
	if e.st.Revision() != rev+1 {
		t.Fatalf("one change, revisions %d -> %d", rev, e.st.Revision())
	}
}

func TestApplyOverHandMadeObjectAddsAnnotation(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	e.create(busYAML)
	res, err := e.c.Apply(ctx(t), []byte(busYAML), client.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if it := res.Items[0]; it.Action != v1alpha1.ActionConfigured || it.Object.Metadata.Generation != 1 ||
		it.Object.Metadata.Annotations[LastAppliedAnnotation] == "" {
		t.Fatalf("item = %+v", it)
	}
}

func TestApplyDryRun(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	e.create(secretYAML)
	rev := e.st.Revision()
	res, err := e.c.Apply(ctx(t), join(secretYAML, busYAML), client.ApplyOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.DryRun || actions(res) != "Secret/pw=configured Bus/rs485-0=created" {
		t.Fatalf("dry run = %+v", res)
	}
	if res.Items[1].Object == nil || !strings.Contains(string(res.Items[1].Object.Spec), `"parity":"even"`) {
		t.Errorf("dry run does not show the would-be object: %+v", res.Items[1])
	}
	if e.st.Revision() != rev {
		t.Fatalf("dry run stored: revision %d -> %d", rev, e.st.Revision())
	}
	if _, err := e.st.Get("Bus", "rs485-0"); err == nil {
		t.Fatal("dry run created the Bus")
	}
	s, _ := e.st.Get("Secret", "pw")
	if _, ok := s.Metadata.Annotations[LastAppliedAnnotation]; ok {
		t.Fatal("dry run annotated the Secret")
	}
}

func TestApplyDanglingReference(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	e.create(secretYAML)
	rev := e.st.Revision()
	_, err := e.c.Apply(ctx(t), join(busYAML, csmsYAML, chargerYAML), client.ApplyOptions{})
	st := statusOf(t, err)
	if st.Code != 422 || !hasCause(st, 3, "spec.templateRef", `Template "tpl" not found`) {
		t.Fatalf("status = %+v", st)
	}
	if e.st.Revision() != rev {
		t.Fatal("a rejected apply stored something")
	}
	// Template.spec.extends is the template controller's business.
	child := strings.Replace(templateYAML, "name: tpl}", "name: child}", 1) + "  extends: parent\n"
	if _, err := e.c.Apply(ctx(t), []byte(child), client.ApplyOptions{}); err != nil {
		t.Fatalf("extends a missing parent: %v", err)
	}
}

func labelled(y, name, labels string) string {
	return strings.Replace(y, "{name: rs485-0}", "{name: "+name+", labels: "+labels+"}", 1)
}

func TestApplyPrune(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	set := "{app: gw}"
	if _, err := e.c.Apply(ctx(t), []byte(join(labelled(busYAML, "b1", set), labelled(busYAML, "b2", set), labelled(busYAML, "other", "{app: else}"))), client.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	e.create(labelled(busYAML, "hand", set)) // matches, but was not applied
	res, err := e.c.Apply(ctx(t), []byte(labelled(busYAML, "b1", set)), client.ApplyOptions{Prune: true, Selector: "app=gw"})
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(res); got != "Bus/b1=unchanged Bus/b2=pruned" {
		t.Fatalf("prune = %s", got)
	}
	if it := res.Items[1]; it.Old == nil || it.Object != nil {
		t.Errorf("pruned item = %+v", it)
	}
	l, _ := e.c.List(ctx(t), "Bus", "")
	var names []string
	for _, o := range l.Items {
		names = append(names, o.Metadata.Name)
	}
	if got := strings.Join(names, ","); got != "b1,hand,other" {
		t.Fatalf("after prune: %s", got)
	}

	_, err = e.c.Apply(ctx(t), []byte(busYAML), client.ApplyOptions{Prune: true})
	if st := statusOf(t, err); st.Code != 400 || !strings.Contains(st.Message, "labelSelector") {
		t.Fatalf("prune without selector: %+v", st)
	}
}

func TestApplyPruneOfReferencedObject(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	lab := func(y string) string {
		return strings.Replace(y, "metadata: {name: ", "metadata: {labels: {app: gw}, name: ", 1)
	}
	base := join(lab(secretYAML), lab(csmsYAML), lab(templateYAML))
	if _, err := e.c.Apply(ctx(t), base, client.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	rev := e.st.Revision()
	// The charger needs the CSMS that the same apply would prune.
	_, err := e.c.Apply(ctx(t), join(lab(secretYAML), lab(templateYAML), chargerYAML), client.ApplyOptions{Prune: true, Selector: "app=gw"})
	st := statusOf(t, err)
	if st.Code != 422 || !hasCause(st, 3, "spec.ocpp.csmsRef", `CSMS "csms1" is pruned by this apply`) {
		t.Fatalf("status = %+v", st)
	}
	if e.st.Revision() != rev {
		t.Fatal("a rejected prune stored something")
	}
}
