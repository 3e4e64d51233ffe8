package store

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"fmt"
)

// KeySize is the length of Options.EncryptionKey: an AES-256 key.
const KeySize = 32

// The sealed form of a value (doc.go has the contract):
//
//	"ocppgw-enc:" "v1:" | key id (8 bytes) | nonce (12 bytes) | AES-256-GCM ciphertext | tag (16 bytes)
//
// The prefix cannot begin a JSON document, so plaintext written before
// encryption existed is told apart without a flag. The key id names the key
// without revealing it, so a wrong key is reported as such instead of as
// damage, and a later key rotation knows which key opens which value.
const (
	sealPrefix  = "ocppgw-enc:"
	sealVersion = "v1:"
	keyIDLen    = 8
	headerLen   = len(sealPrefix) + len(sealVersion) + keyIDLen
)

// keyIDLabel separates the key id hash from any other use of the key's hash.
const keyIDLabel = "ocppgw store key id\x00"

// kindSet is the kinds Options.SealedKinds names. The store knows nothing
// of particular kinds; its caller says which hold secrets. Sealing every
// kind would cost every poll-path status write an encryption for no gain.
type kindSet map[string]bool

func newKindSet(kinds []string) kindSet {
	set := kindSet{}
	for _, k := range kinds {
		set[k] = true
	}
	return set
}

// sealer seals and opens values with the store's key. The zero value has no
// key: it opens nothing sealed and seals nothing. Random nonces bound a key to
// 2^32 seals; secrets are written by operators, far fewer. The AEAD holds no
// state between calls, so readers and the writer share it.
type sealer struct {
	aead  cipher.AEAD // GCM with a fresh random 96-bit nonce per Seal
	keyID [keyIDLen]byte
}

func newSealer(key []byte) (*sealer, error) {
	if len(key) == 0 {
		return &sealer{}, nil
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("store: encryption key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("store: encryption key: %w", err)
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, fmt.Errorf("store: encryption key: %w", err)
	}
	s := &sealer{aead: aead}
	sum := sha256.Sum256(append([]byte(keyIDLabel), key...))
	copy(s.keyID[:], sum[:])
	return s, nil
}

// isSealed reports whether a stored value is in the sealed form, of any version.
func isSealed(v []byte) bool { return bytes.HasPrefix(v, []byte(sealPrefix)) }

// additionalData binds a sealed value to its header and to the object it
// belongs to, so neither can be swapped without Open failing.
func additionalData(header []byte, kind, name string) []byte {
	ad := make([]byte, 0, len(header)+len(kind)+1+len(name))
	ad = append(ad, header...)
	ad = append(ad, kind...)
	ad = append(ad, '/')
	return append(ad, name...)
}

// seal returns the sealed form of the plaintext JSON of kind/name.
func (s *sealer) seal(kind, name string, plain []byte) ([]byte, error) {
	if s.aead == nil {
		return nil, fmt.Errorf("%w: cannot store %s %q unencrypted; open the store with Options.EncryptionKey", ErrNoKey, kind, name)
	}
	out := make([]byte, 0, headerLen+len(plain)+s.aead.Overhead())
	out = append(out, sealPrefix...)
	out = append(out, sealVersion...)
	out = append(out, s.keyID[:]...)
	return s.aead.Seal(out, nil, plain, additionalData(out, kind, name)), nil
}

// open returns the plaintext of a sealed value of kind/name.
func (s *sealer) open(kind, name string, v []byte) ([]byte, error) {
	if !isSealed(v) {
		return nil, fmt.Errorf("%w: %s %q: not a sealed value", ErrTampered, kind, name)
	}
	if !bytes.HasPrefix(v[len(sealPrefix):], []byte(sealVersion)) {
		return nil, fmt.Errorf("store: %s %q: sealed in an envelope version this build does not read", kind, name)
	}
	if len(v) < headerLen {
		return nil, fmt.Errorf("%w: %s %q: sealed value truncated", ErrTampered, kind, name)
	}
	id := v[len(sealPrefix)+len(sealVersion) : headerLen]
	if s.aead == nil {
		return nil, fmt.Errorf("%w: %s %q is encrypted (key id %x); open the store with its key", ErrNoKey, kind, name, id)
	}
	if !bytes.Equal(id, s.keyID[:]) {
		return nil, fmt.Errorf("%w: %s %q was encrypted with key id %x, the given key has id %x",
			ErrWrongKey, kind, name, id, s.keyID)
	}
	plain, err := s.aead.Open(nil, nil, v[headerLen:], additionalData(v[:headerLen], kind, name))
	if err != nil {
		return nil, fmt.Errorf("%w: %s %q: the stored value was changed or damaged after it was written", ErrTampered, kind, name)
	}
	return plain, nil
}
