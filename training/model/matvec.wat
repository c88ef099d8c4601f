;; The one kernel of the inference forward pass (gru-inference.ts): out += x · W for a row vector x and a
;; row-major matrix W, in float32 with 128-bit SIMD (four columns per instruction). Sixteen columns are kept
;; in four registers across all rows of W, then four, then one at a time, so any width works. Rows whose
;; x is exactly zero are skipped (one-hot columns and zero padding add nothing). Each column is summed
;; over the rows in order. Compiled to matvec-wasm.ts by `npm run build:wasm` (wabt).
(module
  (memory (export "memory") 1)
  ;; out[j] += sum over i < rows of x[i] * w[i * cols + j], for j < cols. Byte addresses, 4-byte floats.
  (func (export "matvecAdd")
    (param $out i32) (param $x i32) (param $w i32) (param $rows i32) (param $cols i32)
    (local $j i32) (local $i i32) (local $v f32) (local $vv v128) (local $p i32) (local $stride i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s f32)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    ;; Blocks of 16 columns.
    (block $end16 (loop $block16
      (br_if $end16 (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $cols)))
      (local.set $a0 (v128.load offset=0 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $a1 (v128.load offset=16 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $a2 (v128.load offset=32 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $a3 (v128.load offset=48 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $p (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $i (i32.const 0))
      (block $rowsDone (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $v (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
        (if (f32.ne (local.get $v) (f32.const 0)) (then
          (local.set $vv (f32x4.splat (local.get $v)))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $vv) (v128.load offset=0 (local.get $p)))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $vv) (v128.load offset=16 (local.get $p)))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $vv) (v128.load offset=32 (local.get $p)))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $vv) (v128.load offset=48 (local.get $p)))))))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row)))
      (v128.store offset=0 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $a0))
      (v128.store offset=16 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $a1))
      (v128.store offset=32 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $a2))
      (v128.store offset=48 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $a3))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $block16)))
    ;; Blocks of 4 columns.
    (block $end4 (loop $block4
      (br_if $end4 (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $cols)))
      (local.set $a0 (v128.load (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $p (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $i (i32.const 0))
      (block $rowsDone4 (loop $row4
        (br_if $rowsDone4 (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $v (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
        (if (f32.ne (local.get $v) (f32.const 0)) (then
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (f32x4.splat (local.get $v)) (v128.load (local.get $p)))))))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row4)))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $a0))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $block4)))
    ;; The last columns, one at a time.
    (block $end1 (loop $block1
      (br_if $end1 (i32.ge_u (local.get $j) (local.get $cols)))
      (local.set $s (f32.load (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $p (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $i (i32.const 0))
      (block $rowsDone1 (loop $row1
        (br_if $rowsDone1 (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $v (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
        (if (f32.ne (local.get $v) (f32.const 0)) (then
          (local.set $s (f32.add (local.get $s) (f32.mul (local.get $v) (f32.load (local.get $p)))))))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row1)))
      (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $s))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $block1))))
;; e^x for four floats: x = n ln2 + r with |r| <= ln2/2, e^r by its Taylor polynomial of degree 6 (relative
  ;; error about 1e-7, float32's precision), times 2^n built in the exponent bits. x is clamped to
  ;; [-87, 88], where 2^n stays a normal float; sigmoid and tanh saturate long before.
  (func $exp (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.max (f32x4.min (local.get $x) (v128.const f32x4 88 88 88 88))
      (v128.const f32x4 -87 -87 -87 -87)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x)
      (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
    ;; ln2 in two parts (Cephes' expf), so that r keeps its precision.
    (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $n)
      (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n)
      (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (v128.const f32x4 1.38888889e-3 1.38888889e-3 1.38888889e-3 1.38888889e-3))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 8.33333333e-3 8.33333333e-3 8.33333333e-3 8.33333333e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 4.16666667e-2 4.16666667e-2 4.16666667e-2 4.16666667e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 0.166666667 0.166666667 0.166666667 0.166666667)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 0.5 0.5 0.5 0.5)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127))
        (i32.const 23))))

  (func $sigmoid (param $x v128) (result v128)
    (f32x4.div (v128.const f32x4 1 1 1 1)
      (f32x4.add (v128.const f32x4 1 1 1 1) (call $exp (f32x4.neg (local.get $x))))))

  ;; The gates of a GRU step, for `units` (a multiple of 4) units: at `projected`, z then r (pre-activation)
  ;; become sigmoid(z), sigmoid(r); resetState = r * state.
  (func (export "gates") (param $projected i32) (param $state i32) (param $resetState i32) (param $units i32)
    (local $i i32) (local $end i32) (local $r v128)
    (local.set $end (i32.shl (local.get $units) (i32.const 2)))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (v128.store (i32.add (local.get $projected) (local.get $i))
        (call $sigmoid (v128.load (i32.add (local.get $projected) (local.get $i)))))
      (local.set $r (call $sigmoid (v128.load (i32.add (i32.add (local.get $projected) (local.get $end))
        (local.get $i)))))
      (v128.store (i32.add (i32.add (local.get $projected) (local.get $end)) (local.get $i)) (local.get $r))
      (v128.store (i32.add (local.get $resetState) (local.get $i))
        (f32x4.mul (local.get $r) (v128.load (i32.add (local.get $state) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $each))))

  ;; The state update of a GRU step: candidate = tanh(h) as 2 sigmoid(2h) - 1 (as the training model computes
  ;; it), state = candidate + z * (state - candidate); z at `projected`, h at projected + 2 * units.
  (func (export "update") (param $projected i32) (param $state i32) (param $units i32)
    (local $i i32) (local $end i32) (local $c v128) (local $s v128)
    (local.set $end (i32.shl (local.get $units) (i32.const 2)))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $c (f32x4.sub (f32x4.mul (v128.const f32x4 2 2 2 2)
        (call $sigmoid (f32x4.mul (v128.const f32x4 2 2 2 2)
          (v128.load (i32.add (i32.add (local.get $projected) (i32.shl (local.get $end) (i32.const 1)))
            (local.get $i))))))
        (v128.const f32x4 1 1 1 1)))
      (local.set $s (v128.load (i32.add (local.get $state) (local.get $i))))
      (v128.store (i32.add (local.get $state) (local.get $i))
        (f32x4.add (local.get $c) (f32x4.mul (v128.load (i32.add (local.get $projected) (local.get $i)))
          (f32x4.sub (local.get $s) (local.get $c)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $each)))))
