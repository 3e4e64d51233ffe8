package profilereports

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestOf(t *testing.T) {
	p := func(s string) json.RawMessage { return json.RawMessage(s) }
	payloads := []json.RawMessage{
		p(`{"requestId":1,"tbc":true}`), p(`{"requestId":2}`), p(`{"requestId":1,"tbc":true}`),
		p(`{"requestId":1,"tbc":false}`), p(`{"requestId":1}`),
	}
	for _, tc := range []struct {
		id       int
		n        int // payloads seen so far
		want     []int
		complete bool
	}{
		{1, 5, []int{0, 2, 3}, true}, // stops at the first tbc false
		{1, 3, []int{0, 2}, false},
		{2, 5, []int{1}, true}, // tbc absent is false
		{3, 5, nil, false},
	} {
		got, complete, err := Of(payloads[:tc.n], tc.id)
		if err != nil || !slices.Equal(got, tc.want) || complete != tc.complete {
			t.Errorf("request %d in %d payloads: %v, %t, %v; want %v, %t", tc.id, tc.n, got, complete, err, tc.want, tc.complete)
		}
	}
	if _, _, err := Of([]json.RawMessage{p(`{"requestId":"x"}`)}, 1); err == nil {
		t.Error("a payload with a string requestId decoded")
	}
}
