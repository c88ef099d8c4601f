;; The byte pass of the served path's request reader (request-reader.ts): one walk over an /invocations body's
;; UTF-8 that checks its JSON grammar and shape and writes out where each instance's date and visits are and
;; each visit's numbers, so that no text is decoded and no JSON object is built. On this machine a byte loop
;; here runs 2-3x faster than the same loop in JavaScript, which was no faster than JSON.parse.
;; It reads only the plainest JSON: strict grammar, the contract's keys each at most once and no other key,
;; strings of printable ASCII with no escape, at most $maxSlow numbers it does not compute itself. Anything
;; else returns 0 ("give up"): request-reader.ts then parses the body with JSON.parse and checks it in full.
;; The checks of values (ranges, dates, order) are request-reader.ts's, on what this writes:
;;   instance i at $instances + 16 i: i32 date's first byte, i32 first visit's index, i32 visit count;
;;   visit v at $visits + 128 v: f64 slots by key index (VISIT_KEYS below): 1 the date's first byte,
;;     2..10 the numbers, 11 and 12 the platform's first and end byte;
;;   slow number s at $slow + 16 s: i32 its slot's address, i32 its first and end byte (an exponent or more
;;     than 15 digits: request-reader.ts reads its text with Number()).
;; A number of at most 15 digits and no exponent is its digits (exact in a double) over an exact power of
;; ten: one correctly rounded division, which is JSON.parse's double. Past the body lies a 0 that
;; request-reader.ts writes there, which every loop here stops at (it is no digit, space, quote or bracket,
;; and a string may not hold it). WebAssembly calls are not inlined here: the common paths are written out
;; where they are used. Compiled by `npm run build:wasm`.
(module
  (memory (export "memory") 1)
  ;; Key tables, 16 bytes per key: its length, then its bytes. Visit keys at 0 (their index is their slot),
  ;; instance keys at 192, the body's key at 224. The input starts at 256 (INPUT in request-reader.ts).
  (data (i32.const 0) "\07user_id\00\00\00\00\00\00\00\00\0avisit_date\00\00\00\00\00\0etime_spent_sec\00\0apage_views\00\00\00\00\00\0btype1_views\00\00\00\00\0btype2_views\00\00\00\00\0btype3_views\00\00\00\00\0btype4_views\00\00\00\00\0afirst_hour\00\00\00\00\00\09last_hour\00\00\00\00\00\00\0dhours_visited\00\00\08platform\00\00\00\00\00\00\00")
  (data (i32.const 192) "\04date\00\00\00\00\00\00\00\00\00\00\00\07history\00\00\00\00\00\00\00\00")
  (data (i32.const 224) "\09instances\00\00\00\00\00\00")
  (global $pos (mut i32) (i32.const 0))
  (global $end (mut i32) (i32.const 0))
  (global $strStart (mut i32) (i32.const 0))
  (global $strEnd (mut i32) (i32.const 0))
  (global $visits (mut i32) (i32.const 0))
  (global $visitCount (mut i32) (i32.const 0))
  (global $maxVisits (mut i32) (i32.const 0))
  (global $slow (mut i32) (i32.const 0))
  (global $slowCount (mut i32) (i32.const 0))
  (global $maxSlow (mut i32) (i32.const 0))

  ;; Skips JSON's white space: space, tab, line feed, carriage return.
  (func $space (local $p i32) (local $b i32)
    (local.set $p (global.get $pos))
    (block $done (loop $next
      (local.set $b (i32.load8_u (local.get $p)))
      (br_if $done (i32.gt_u (local.get $b) (i32.const 0x20)))
      (br_if $done (i32.eqz (i32.or
        (i32.or (i32.eq (local.get $b) (i32.const 0x20)) (i32.eq (local.get $b) (i32.const 0x09)))
        (i32.or (i32.eq (local.get $b) (i32.const 0x0a)) (i32.eq (local.get $b) (i32.const 0x0d))))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $next)))
    (global.set $pos (local.get $p)))

  ;; After optional space, the byte $c: 1 (and past it), else 0.
  (func $take (param $c i32) (result i32)
    (if (i32.le_u (i32.load8_u (global.get $pos)) (i32.const 0x20)) (then (call $space)))
    (if (i32.ne (i32.load8_u (global.get $pos)) (local.get $c)) (then (return (i32.const 0))))
    (global.set $pos (i32.add (global.get $pos) (i32.const 1)))
    (i32.const 1))

  ;; After a member or an element: 1 for a comma, 0 for $close (past either), -1 for anything else.
  (func $next (param $close i32) (result i32) (local $b i32)
    (if (i32.le_u (i32.load8_u (global.get $pos)) (i32.const 0x20)) (then (call $space)))
    (local.set $b (i32.load8_u (global.get $pos)))
    (global.set $pos (i32.add (global.get $pos) (i32.const 1)))
    (if (i32.eq (local.get $b) (i32.const 0x2c)) (then (return (i32.const 1))))
    (if (i32.eq (local.get $b) (local.get $close)) (then (return (i32.const 0))))
    (i32.const -1))

  ;; A string of printable ASCII with no escape into [$strStart, $strEnd): 1, else 0.
  (func $string (result i32) (local $b i32) (local $p i32)
    (if (i32.eqz (call $take (i32.const 0x22))) (then (return (i32.const 0))))
    (local.set $p (global.get $pos))
    (block $closed (loop $next
      (local.set $b (i32.load8_u (local.get $p)))
      (br_if $closed (i32.eq (local.get $b) (i32.const 0x22)))
      ;; Control characters (the 0 past the body among them) are not JSON; escapes and UTF-8 of other
      ;; scripts take the full path.
      (if (i32.or (i32.or (i32.lt_u (local.get $b) (i32.const 0x20)) (i32.eq (local.get $b) (i32.const 0x5c)))
                  (i32.gt_u (local.get $b) (i32.const 0x7e)))
        (then (return (i32.const 0))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $next)))
    (global.set $strStart (global.get $pos))
    (global.set $strEnd (local.get $p))
    (global.set $pos (i32.add (local.get $p) (i32.const 1)))
    (i32.const 1))

  ;; Whether key $k of the table at $table comes at byte $p followed by a quote: its length if so, else 0.
  ;; As no key holds a quote or a backslash, that makes the whole string at $p the key. Its bytes are compared
  ;; eight at a time under a mask of its length (keys are 4..14 bytes; bytes read past the body are memory
  ;; the scan owns, and the 0 after the body differs from every key byte).
  (func $keyAt (param $table i32) (param $k i32) (param $p i32) (result i32)
    (local $at i32) (local $length i32) (local $mask i64) (local $rest i64)
    (local.set $at (i32.add (local.get $table) (i32.shl (local.get $k) (i32.const 4))))
    (local.set $length (i32.load8_u (local.get $at)))
    (local.set $mask (select (i64.const -1)
      (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $length) (i32.const 3)))) (i64.const 1))
      (i32.ge_u (local.get $length) (i32.const 8))))
    (local.set $rest (select
      (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (i32.sub (local.get $length) (i32.const 8)) (i32.const 3)))) (i64.const 1))
      (i64.const 0)
      (i32.gt_u (local.get $length) (i32.const 8))))
    (select (local.get $length) (i32.const 0)
      (i32.and
        (i32.and
          (i64.eq (i64.and (i64.load (local.get $p)) (local.get $mask))
                  (i64.and (i64.load offset=1 (local.get $at)) (local.get $mask)))
          (i64.eq (i64.and (i64.load offset=8 (local.get $p)) (local.get $rest))
                  (i64.and (i64.load offset=9 (local.get $at)) (local.get $rest))))
        (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $length))) (i32.const 0x22)))))

  ;; A member's key and its colon: its index among the $count keys at $table, or -1. The $likely key (bodies
  ;; repeat one key order) is tried first, in place; any other string is read, then looked up.
  (func $key (param $table i32) (param $count i32) (param $likely i32) (result i32)
    (local $k i32) (local $length i32)
    (if (i32.le_u (i32.load8_u (global.get $pos)) (i32.const 0x20)) (then (call $space)))
    (local.set $k (i32.const -1))
    (if (i32.and (i32.lt_u (local.get $likely) (local.get $count)) (i32.eq (i32.load8_u (global.get $pos)) (i32.const 0x22))) (then
      (local.set $length (call $keyAt (local.get $table) (local.get $likely) (i32.add (global.get $pos) (i32.const 1))))
      (if (local.get $length) (then
        (local.set $k (local.get $likely))
        (global.set $pos (i32.add (global.get $pos) (i32.add (local.get $length) (i32.const 2))))))))
    (if (i32.lt_s (local.get $k) (i32.const 0)) (then
      (if (i32.eqz (call $string)) (then (return (i32.const -1))))
      (local.set $likely (i32.const 0))
      (block $found (loop $next
        (br_if $found (i32.ge_u (local.get $likely) (local.get $count)))
        (if (call $keyAt (local.get $table) (local.get $likely) (global.get $strStart))
          (then (local.set $k (local.get $likely)) (br $found)))
        (local.set $likely (i32.add (local.get $likely) (i32.const 1)))
        (br $next)))))
    (if (i32.lt_s (local.get $k) (i32.const 0)) (then (return (i32.const -1))))
    (if (i32.eq (i32.load8_u (global.get $pos)) (i32.const 0x3a))
      (then (global.set $pos (i32.add (global.get $pos) (i32.const 1))))
      (else (if (i32.eqz (call $take (i32.const 0x3a))) (then (return (i32.const -1))))))
    (local.get $k))

  ;; A JSON number into the f64 at $slot (or onto the slow list): 1, else 0.
  (func $number (param $slot i32) (result i32)
    (local $p i32) (local $start i32) (local $negative i32) (local $b i32) (local $digits i32)
    (local $decimals i32) (local $mantissa f64) (local $exact i32) (local $power f64) (local $value f64)
    (local $entry i32)
    (if (i32.le_u (i32.load8_u (global.get $pos)) (i32.const 0x20)) (then (call $space)))
    (local.set $p (global.get $pos))
    (local.set $start (local.get $p))
    (local.set $b (i32.load8_u (local.get $p)))
    (if (i32.eq (local.get $b) (i32.const 0x2d)) (then
      (local.set $negative (i32.const 1))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $b (i32.load8_u (local.get $p)))))
    (if (i32.eq (local.get $b) (i32.const 0x30))
      (then
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $b (i32.load8_u (local.get $p))))
      (else
        (if (i32.eqz (i32.lt_u (i32.sub (local.get $b) (i32.const 0x30)) (i32.const 10))) (then (return (i32.const 0))))
        (loop $next
          (local.set $mantissa (f64.add (f64.mul (local.get $mantissa) (f64.const 10))
                                        (f64.convert_i32_u (i32.sub (local.get $b) (i32.const 0x30)))))
          (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (local.set $b (i32.load8_u (local.get $p)))
          (br_if $next (i32.lt_u (i32.sub (local.get $b) (i32.const 0x30)) (i32.const 10))))))
    (if (i32.eq (local.get $b) (i32.const 0x2e)) (then
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $b (i32.load8_u (local.get $p)))
      (if (i32.eqz (i32.lt_u (i32.sub (local.get $b) (i32.const 0x30)) (i32.const 10))) (then (return (i32.const 0))))
      (loop $next
        (local.set $mantissa (f64.add (f64.mul (local.get $mantissa) (f64.const 10))
                                      (f64.convert_i32_u (i32.sub (local.get $b) (i32.const 0x30)))))
        (local.set $decimals (i32.add (local.get $decimals) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $b (i32.load8_u (local.get $p)))
        (br_if $next (i32.lt_u (i32.sub (local.get $b) (i32.const 0x30)) (i32.const 10))))))
    (local.set $exact (i32.le_u (i32.add (local.get $digits) (local.get $decimals)) (i32.const 15)))
    (if (i32.or (i32.eq (local.get $b) (i32.const 0x65)) (i32.eq (local.get $b) (i32.const 0x45))) (then
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $b (i32.load8_u (local.get $p)))
      (if (i32.or (i32.eq (local.get $b) (i32.const 0x2b)) (i32.eq (local.get $b) (i32.const 0x2d))) (then
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $b (i32.load8_u (local.get $p)))))
      (if (i32.eqz (i32.lt_u (i32.sub (local.get $b) (i32.const 0x30)) (i32.const 10))) (then (return (i32.const 0))))
      (loop $next
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $next (i32.lt_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 0x30)) (i32.const 10))))
      (local.set $exact (i32.const 0))))
    (global.set $pos (local.get $p))
    (if (local.get $exact)
      (then
        ;; 10^decimals by repeated multiplication: exact for decimals <= 15 (every power up to 10^22 is).
        (local.set $power (f64.const 1))
        (block $done (loop $next
          (br_if $done (i32.eqz (local.get $decimals)))
          (local.set $power (f64.mul (local.get $power) (f64.const 10)))
          (local.set $decimals (i32.sub (local.get $decimals) (i32.const 1)))
          (br $next)))
        (local.set $value (f64.div (local.get $mantissa) (local.get $power)))
        (if (local.get $negative) (then (local.set $value (f64.neg (local.get $value)))))
        (f64.store (local.get $slot) (local.get $value)))
      (else
        (if (i32.ge_u (global.get $slowCount) (global.get $maxSlow)) (then (return (i32.const 0))))
        (local.set $entry (i32.add (global.get $slow) (i32.shl (global.get $slowCount) (i32.const 4))))
        (i32.store (local.get $entry) (local.get $slot))
        (i32.store offset=4 (local.get $entry) (local.get $start))
        (i32.store offset=8 (local.get $entry) (local.get $p))
        (global.set $slowCount (i32.add (global.get $slowCount) (i32.const 1)))
        (f64.store (local.get $slot) (f64.const 0))))
    (i32.const 1))

  ;; A history entry, `{...}` with every key but user_id (optional), into the next visit record: 1, else 0.
  (func $visit (result i32) (local $record i32) (local $seen i32) (local $likely i32) (local $k i32) (local $i i32)
    (local $more i32)
    (if (i32.eqz (call $take (i32.const 0x7b))) (then (return (i32.const 0))))
    (if (i32.ge_u (global.get $visitCount) (global.get $maxVisits)) (then (return (i32.const 0))))
    (local.set $record (i32.add (global.get $visits) (i32.shl (global.get $visitCount) (i32.const 7))))
    (loop $member
      (local.set $k (call $key (i32.const 0) (i32.const 12) (local.get $likely)))
      (if (i32.lt_s (local.get $k) (i32.const 0)) (then (return (i32.const 0))))
      (if (i32.and (local.get $seen) (i32.shl (i32.const 1) (local.get $k))) (then (return (i32.const 0))))
      (local.set $seen (i32.or (local.get $seen) (i32.shl (i32.const 1) (local.get $k))))
      (local.set $likely (i32.add (local.get $k) (i32.const 1)))
      (if (i32.eqz (local.get $k))
        (then
          ;; user_id: not empty once trimmed (in printable ASCII, only the space is white space).
          (if (i32.eqz (call $string)) (then (return (i32.const 0))))
          (local.set $i (global.get $strStart))
          (block $filled (loop $next
            (if (i32.ge_u (local.get $i) (global.get $strEnd)) (then (return (i32.const 0))))
            (br_if $filled (i32.ne (i32.load8_u (local.get $i)) (i32.const 0x20)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next))))
        (else (if (i32.eq (local.get $k) (i32.const 1))
          (then
            ;; visit_date: exactly YYYY-MM-DD (a date with space around it takes the full path).
            (if (i32.eqz (call $string)) (then (return (i32.const 0))))
            (if (i32.ne (i32.sub (global.get $strEnd) (global.get $strStart)) (i32.const 10))
              (then (return (i32.const 0))))
            (f64.store offset=8 (local.get $record) (f64.convert_i32_u (global.get $strStart))))
          (else (if (i32.eq (local.get $k) (i32.const 11))
            (then
              (if (i32.eqz (call $string)) (then (return (i32.const 0))))
              (f64.store offset=88 (local.get $record) (f64.convert_i32_u (global.get $strStart)))
              (f64.store offset=96 (local.get $record) (f64.convert_i32_u (global.get $strEnd))))
            (else
              (if (i32.eqz (call $number (i32.add (local.get $record) (i32.shl (local.get $k) (i32.const 3)))))
                (then (return (i32.const 0))))))))))
      (if (i32.eq (i32.load8_u (global.get $pos)) (i32.const 0x2c)) (then
        (global.set $pos (i32.add (global.get $pos) (i32.const 1)))
        (br $member)))
      (local.set $more (call $next (i32.const 0x7d)))
      (if (i32.lt_s (local.get $more) (i32.const 0)) (then (return (i32.const 0))))
      (br_if $member (local.get $more)))
    ;; Every key but user_id (bit 0) is required.
    (if (i32.ne (i32.and (local.get $seen) (i32.const 0xffe)) (i32.const 0xffe)) (then (return (i32.const 0))))
    (global.set $visitCount (i32.add (global.get $visitCount) (i32.const 1)))
    (i32.const 1))

  ;; `[visit, ...]` (at least one): 1, else 0.
  (func $history (result i32) (local $more i32)
    (if (i32.eqz (call $take (i32.const 0x5b))) (then (return (i32.const 0))))
    (loop $element
      (if (i32.eqz (call $visit)) (then (return (i32.const 0))))
      (local.set $more (call $next (i32.const 0x5d)))
      (if (i32.lt_s (local.get $more) (i32.const 0)) (then (return (i32.const 0))))
      (br_if $element (local.get $more)))
    (i32.const 1))

  ;; `{"date", "history"}` in either order into the instance record at $record: 1, else 0.
  (func $instance (param $record i32) (result i32) (local $seen i32) (local $likely i32) (local $k i32)
    (local $first i32) (local $more i32)
    (if (i32.eqz (call $take (i32.const 0x7b))) (then (return (i32.const 0))))
    (loop $member
      (local.set $k (call $key (i32.const 192) (i32.const 2) (local.get $likely)))
      (if (i32.lt_s (local.get $k) (i32.const 0)) (then (return (i32.const 0))))
      (if (i32.and (local.get $seen) (i32.shl (i32.const 1) (local.get $k))) (then (return (i32.const 0))))
      (local.set $seen (i32.or (local.get $seen) (i32.shl (i32.const 1) (local.get $k))))
      (local.set $likely (i32.add (local.get $k) (i32.const 1)))
      (if (i32.eqz (local.get $k))
        (then
          (if (i32.eqz (call $string)) (then (return (i32.const 0))))
          (if (i32.ne (i32.sub (global.get $strEnd) (global.get $strStart)) (i32.const 10))
            (then (return (i32.const 0))))
          (i32.store (local.get $record) (global.get $strStart)))
        (else
          (local.set $first (global.get $visitCount))
          (if (i32.eqz (call $history)) (then (return (i32.const 0))))
          (i32.store offset=4 (local.get $record) (local.get $first))
          (i32.store offset=8 (local.get $record) (i32.sub (global.get $visitCount) (local.get $first)))))
      (local.set $more (call $next (i32.const 0x7d)))
      (if (i32.lt_s (local.get $more) (i32.const 0)) (then (return (i32.const 0))))
      (br_if $member (local.get $more)))
    (i32.eq (local.get $seen) (i32.const 3)))

  ;; The body at [$start, $start + $length): `{"instances": [instance, ...]}` and only space after it. Returns
  ;; its count of instances (1..$maxInstances), or 0: give up on it.
  (func (export "scan")
    (param $start i32) (param $length i32) (param $instances i32) (param $maxInstances i32)
    (param $visits i32) (param $maxVisits i32) (param $slow i32) (param $maxSlow i32) (result i32)
    (local $count i32) (local $more i32)
    (global.set $pos (local.get $start))
    (global.set $end (i32.add (local.get $start) (local.get $length)))
    (global.set $visits (local.get $visits))
    (global.set $visitCount (i32.const 0))
    (global.set $maxVisits (local.get $maxVisits))
    (global.set $slow (local.get $slow))
    (global.set $slowCount (i32.const 0))
    (global.set $maxSlow (local.get $maxSlow))
    (if (i32.eqz (call $take (i32.const 0x7b))) (then (return (i32.const 0))))
    (if (i32.ne (call $key (i32.const 224) (i32.const 1) (i32.const 0)) (i32.const 0)) (then (return (i32.const 0))))
    (if (i32.eqz (call $take (i32.const 0x5b))) (then (return (i32.const 0))))
    (loop $element
      (if (i32.ge_u (local.get $count) (local.get $maxInstances)) (then (return (i32.const 0))))
      (if (i32.eqz (call $instance (i32.add (local.get $instances) (i32.shl (local.get $count) (i32.const 4)))))
        (then (return (i32.const 0))))
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (local.set $more (call $next (i32.const 0x5d)))
      (if (i32.lt_s (local.get $more) (i32.const 0)) (then (return (i32.const 0))))
      (br_if $element (local.get $more)))
    (if (i32.eqz (call $take (i32.const 0x7d))) (then (return (i32.const 0))))
    (call $space)
    (if (i32.ne (global.get $pos) (global.get $end)) (then (return (i32.const 0))))
    (local.get $count))

  ;; The visits and slow numbers the last scan wrote.
  (func (export "visitsRead") (result i32) (global.get $visitCount))
  (func (export "slowNumbers") (result i32) (global.get $slowCount)))
