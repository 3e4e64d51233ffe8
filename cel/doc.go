// Package cel is the CEL environment and the domain functions that map a
// charger's raw values (Modbus registers, ECHONET Lite property bytes) to
// canonical signals, and canonical commands to device writes.
//
// Contract:
//   - Expressions compile once, when a template is applied or resolved
//     (Compile, NewMapping). Nothing compiles in the poll loop: EvalSignals and
//     EvalCommand only run programs compiled before.
//   - Every expression is cost-bounded. At compile time its worst-case cost,
//     estimated against the declared input sizes (sizes.go), must stay within
//     EstimatedCostLimit. At evaluation, input within those sizes is covered
//     by the estimate; input beyond them runs under RuntimeCostLimit.
//   - Compiled programs are cached by (environment, expected output,
//     expression) and are safe for concurrent evaluation.
//   - Domain functions are pure and do no I/O. Bad input (an index past the
//     end of a block, a value that does not fit a word) is a CEL error naming
//     the function and the index, never a panic.
//   - Nothing is guessed. Evaluate reports a signal Unknown, with the reason,
//     when an input it names did not arrive or arrived malformed (shorter or
//     longer than the EDT size the template declares), when it is NaN, or
//     when the expression calls unknown(reason); only an expression that
//     fails on input it had is an error, a wrong mapping. EPCs appear in hex
//     in every message.
//   - Writes are returned as plain Write values; this package knows nothing of
//     the drivers that perform them.
//
// Variables: regs (modbus, map<string, list<int>>), epc (echonet,
// map<int, bytes>), prev (map<string, dyn>, last poll's signals),
// connectorId (int); in commands also limitA (setCurrentLimit; in start
// the limit in force, for chargers whose start writes the current), limitW
// (setPowerLimit) or available (setAvailable), and in echonet commands
// setEPCs (list<int>, the Set property map, empty when unknown).
//
// docs/templates.md lists every variable and function with an example;
// a test fails when it and the environments differ.
//
// Functions, registers (r is a block, i an index; "ws" = word-swapped, least
// significant register first; bytes within a register are always high first):
//
//	u16(r, i) s16(r, i) s16(x)                  16-bit unsigned / signed
//	u32(r, i) u32ws(r, i) s32(r, i) s32ws(r, i) 32-bit from 2 registers
//	u64 u64ws s64 s64ws (r, i)                  64-bit from 4 registers
//	f32 f32ws (r, i), f64 f64ws (r, i)          IEEE 754 from 2 / 4 registers
//	ascii(r, i, n)                              n registers as text, 2 chars each, to the first NUL
//
// Signals only: unknown(reason) makes the signal Unknown; it takes the type
// of the other branch, e.g. `c == 0xFF ? unknown("undefined") : c == 0x41`.
//
// Values: bit(x, n) → bool; scale(x, factor) → double; clamp(x, lo, hi) for
// int or double; enum(x, {k: v, ...}, default) for int or string keys; and
// the strings extension (trim, lowerAscii, …, version 4).
//
// ECHONET Lite bytes (big-endian): be(b) / beu(b) and be(b, off, n) unsigned,
// bes(b) / bes(b, off, n) signed, u8(b, i), sub(b, off, n) → bytes,
// hex(b) → "01AB", bebytes(x, n) → n bytes.
//
// Commands return a write or a list of them. Modbus: write(address, words)
// (FC16), writeRegister(address, word) (FC06), writeCoil(address, bool)
// (FC05), writeCoils(address, list<bool>) (FC15), any of them followed by
// .unit(id) to override the unit; words from u16words(x) s16words(x)
// u32words(x) u32wswords(x) s32words(x) s32wswords(x) f32words(x)
// f32wswords(x).
// ECHONET Lite: setEPC(epc, bytes).
package cel
