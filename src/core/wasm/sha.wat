;; SHA-1, SHA-256, SHA-384 and SHA-512 (FIPS 180-4) in hand-written WebAssembly text.
;; Compiled by scripts/build-wasm.ts into src/core/wasm/sha-module.ts; driven by src/core/wasm-hash.ts.
;;
;; Memory: one page, fixed (minimum = maximum = 1, so the JS view over it never goes stale).
;;   0x000  K512    80 x u64  SHA-512 round constants (FIPS 180-4 4.2.3); SHA-256's K (4.2.2) are
;;                            their high 32 bits, so SHA-256 reads the upper half of each entry
;;   0x280  IV512    8 x u64  SHA-512 initial hash value (5.3.5); SHA-256's (5.3.3) = high halves
;;   0x2c0  IV384    8 x u64  SHA-384 initial hash value (5.3.4)
;;   0x300  STATE   64 bytes  working hash value H: 5 or 8 x u32 (SHA-1/256), 8 x u64 (SHA-384/512)
;;   0x340  OUT     64 bytes  the big-endian digest after `finish` / `hash`
;;   0x380  W      640 bytes  message schedule: 80 x u32 (SHA-1), 64 x u32 (SHA-256), 80 x u64
;;   0x600  INPUT  0xf800     message bytes written by JS (a multiple of 128 bytes, 496 blocks)
;;   0xfe00 slack  0x200      padding may run up to two blocks (256 bytes) past INPUT + inputSize
;; Constants are stored little-endian (the order wasm loads use); each line's comment gives the
;; values as FIPS 180-4 prints them. Message words and the digest are big-endian: loads and stores
;; of them are byte-swapped.
;;
;; alg: 0 = SHA-1, 1 = SHA-256, 2 = SHA-384, 3 = SHA-512 (block 64 bytes for 0-1, 128 for 2-3).
;; Exports: hash(alg, len) digests INPUT[0, len) in one call; for longer messages, begin(alg),
;; update(alg, len) per whole-block chunk (len a multiple of the block size), then
;; finish(alg, len, total) with the tail and the message's total length in bytes.
;; chain(alg, count, mlen) extends the register in OUT with `count` measurements of `mlen` bytes
;; (at most 64) laid end to end at INPUT; it builds each message at MSG = 0xfd00, the last 256 bytes
;; of INPUT, so JS fills at most INPUT[0, 0xf700) for it.
;; Beyond the MVP it uses only bulk memory (memory.fill, memory.copy; WebAssembly 2.0): an engine
;; without it rejects the module and wasm-hash.ts falls back to @noble/hashes. The binary must stay
;; under 4096 bytes (Chrome's limit for synchronous compiles on the main thread): loops, and only
;; SHA-256's round loop unrolled (eight rounds per iteration; 0.80x the time, about 660 bytes).
(module
  (memory (export "memory") 1 1)
  (global (export "input") i32 (i32.const 0x600))
  (global (export "inputSize") i32 (i32.const 0xf800))
  (global (export "out") i32 (i32.const 0x340))

  (data (i32.const 0x000)
    "\22\ae\28\d7\98\2f\8a\42\cd\65\ef\23\91\44\37\71" ;; 428a2f98d728ae22 7137449123ef65cd
    "\2f\3b\4d\ec\cf\fb\c0\b5\bc\db\89\81\a5\db\b5\e9" ;; b5c0fbcfec4d3b2f e9b5dba58189dbbc
    "\38\b5\48\f3\5b\c2\56\39\19\d0\05\b6\f1\11\f1\59" ;; 3956c25bf348b538 59f111f1b605d019
    "\9b\4f\19\af\a4\82\3f\92\18\81\6d\da\d5\5e\1c\ab" ;; 923f82a4af194f9b ab1c5ed5da6d8118
    "\42\02\03\a3\98\aa\07\d8\be\6f\70\45\01\5b\83\12" ;; d807aa98a3030242 12835b0145706fbe
    "\8c\b2\e4\4e\be\85\31\24\e2\b4\ff\d5\c3\7d\0c\55" ;; 243185be4ee4b28c 550c7dc3d5ffb4e2
    "\6f\89\7b\f2\74\5d\be\72\b1\96\16\3b\fe\b1\de\80" ;; 72be5d74f27b896f 80deb1fe3b1696b1
    "\35\12\c7\25\a7\06\dc\9b\94\26\69\cf\74\f1\9b\c1" ;; 9bdc06a725c71235 c19bf174cf692694
    "\d2\4a\f1\9e\c1\69\9b\e4\e3\25\4f\38\86\47\be\ef" ;; e49b69c19ef14ad2 efbe4786384f25e3
    "\b5\d5\8c\8b\c6\9d\c1\0f\65\9c\ac\77\cc\a1\0c\24" ;; 0fc19dc68b8cd5b5 240ca1cc77ac9c65
    "\75\02\2b\59\6f\2c\e9\2d\83\e4\a6\6e\aa\84\74\4a" ;; 2de92c6f592b0275 4a7484aa6ea6e483
    "\d4\fb\41\bd\dc\a9\b0\5c\b5\53\11\83\da\88\f9\76" ;; 5cb0a9dcbd41fbd4 76f988da831153b5
    "\ab\df\66\ee\52\51\3e\98\10\32\b4\2d\6d\c6\31\a8" ;; 983e5152ee66dfab a831c66d2db43210
    "\3f\21\fb\98\c8\27\03\b0\e4\0e\ef\be\c7\7f\59\bf" ;; b00327c898fb213f bf597fc7beef0ee4
    "\c2\8f\a8\3d\f3\0b\e0\c6\25\a7\0a\93\47\91\a7\d5" ;; c6e00bf33da88fc2 d5a79147930aa725
    "\6f\82\03\e0\51\63\ca\06\70\6e\0e\0a\67\29\29\14" ;; 06ca6351e003826f 142929670a0e6e70
    "\fc\2f\d2\46\85\0a\b7\27\26\c9\26\5c\38\21\1b\2e" ;; 27b70a8546d22ffc 2e1b21385c26c926
    "\ed\2a\c4\5a\fc\6d\2c\4d\df\b3\95\9d\13\0d\38\53" ;; 4d2c6dfc5ac42aed 53380d139d95b3df
    "\de\63\af\8b\54\73\0a\65\a8\b2\77\3c\bb\0a\6a\76" ;; 650a73548baf63de 766a0abb3c77b2a8
    "\e6\ae\ed\47\2e\c9\c2\81\3b\35\82\14\85\2c\72\92" ;; 81c2c92e47edaee6 92722c851482353b
    "\64\03\f1\4c\a1\e8\bf\a2\01\30\42\bc\4b\66\1a\a8" ;; a2bfe8a14cf10364 a81a664bbc423001
    "\91\97\f8\d0\70\8b\4b\c2\30\be\54\06\a3\51\6c\c7" ;; c24b8b70d0f89791 c76c51a30654be30
    "\18\52\ef\d6\19\e8\92\d1\10\a9\65\55\24\06\99\d6" ;; d192e819d6ef5218 d69906245565a910
    "\2a\20\71\57\85\35\0e\f4\b8\d1\bb\32\70\a0\6a\10" ;; f40e35855771202a 106aa07032bbd1b8
    "\c8\d0\d2\b8\16\c1\a4\19\53\ab\41\51\08\6c\37\1e" ;; 19a4c116b8d2d0c8 1e376c085141ab53
    "\99\eb\8e\df\4c\77\48\27\a8\48\9b\e1\b5\bc\b0\34" ;; 2748774cdf8eeb99 34b0bcb5e19b48a8
    "\63\5a\c9\c5\b3\0c\1c\39\cb\8a\41\e3\4a\aa\d8\4e" ;; 391c0cb3c5c95a63 4ed8aa4ae3418acb
    "\73\e3\63\77\4f\ca\9c\5b\a3\b8\b2\d6\f3\6f\2e\68" ;; 5b9cca4f7763e373 682e6ff3d6b2b8a3
    "\fc\b2\ef\5d\ee\82\8f\74\60\2f\17\43\6f\63\a5\78" ;; 748f82ee5defb2fc 78a5636f43172f60
    "\72\ab\f0\a1\14\78\c8\84\ec\39\64\1a\08\02\c7\8c" ;; 84c87814a1f0ab72 8cc702081a6439ec
    "\28\1e\63\23\fa\ff\be\90\e9\bd\82\de\eb\6c\50\a4" ;; 90befffa23631e28 a4506cebde82bde9
    "\15\79\c6\b2\f7\a3\f9\be\2b\53\72\e3\f2\78\71\c6" ;; bef9a3f7b2c67915 c67178f2e372532b
    "\9c\61\26\ea\ce\3e\27\ca\07\c2\c0\21\c7\b8\86\d1" ;; ca273eceea26619c d186b8c721c0c207
    "\1e\eb\e0\cd\d6\7d\da\ea\78\d1\6e\ee\7f\4f\7d\f5" ;; eada7dd6cde0eb1e f57d4f7fee6ed178
    "\ba\6f\17\72\aa\67\f0\06\a6\98\c8\a2\c5\7d\63\0a" ;; 06f067aa72176fba 0a637dc5a2c898a6
    "\ae\0d\f9\be\04\98\3f\11\1b\47\1c\13\35\0b\71\1b" ;; 113f9804bef90dae 1b710b35131c471b
    "\84\7d\04\23\f5\77\db\28\93\24\c7\40\7b\ab\ca\32" ;; 28db77f523047d84 32caab7b40c72493
    "\bc\be\c9\15\0a\be\9e\3c\4c\0d\10\9c\c4\67\1d\43" ;; 3c9ebe0a15c9bebc 431d67c49c100d4c
    "\b6\42\3e\cb\be\d4\c5\4c\2a\7e\65\fc\9c\29\7f\59" ;; 4cc5d4becb3e42b6 597f299cfc657e2a
    "\ec\fa\d6\3a\ab\6f\cb\5f\17\58\47\4a\8c\19\44\6c" ;; 5fcb6fab3ad6faec 6c44198c4a475817
  )
  (data (i32.const 0x280)
    "\08\c9\bc\f3\67\e6\09\6a\3b\a7\ca\84\85\ae\67\bb" ;; 6a09e667f3bcc908 bb67ae8584caa73b
    "\2b\f8\94\fe\72\f3\6e\3c\f1\36\1d\5f\3a\f5\4f\a5" ;; 3c6ef372fe94f82b a54ff53a5f1d36f1
    "\d1\82\e6\ad\7f\52\0e\51\1f\6c\3e\2b\8c\68\05\9b" ;; 510e527fade682d1 9b05688c2b3e6c1f
    "\6b\bd\41\fb\ab\d9\83\1f\79\21\7e\13\19\cd\e0\5b" ;; 1f83d9abfb41bd6b 5be0cd19137e2179
  )
  (data (i32.const 0x2c0)
    "\d8\9e\05\c1\5d\9d\bb\cb\07\d5\7c\36\2a\29\9a\62" ;; cbbb9d5dc1059ed8 629a292a367cd507
    "\17\dd\70\30\5a\01\59\91\39\59\0e\f7\d8\ec\2f\15" ;; 9159015a3070dd17 152fecd8f70e5939
    "\31\0b\c0\ff\67\26\33\67\11\15\58\68\87\4a\b4\8e" ;; 67332667ffc00b31 8eb44a8768581511
    "\a7\8f\f9\64\0d\2e\0c\db\a4\4f\fa\be\1d\48\b5\47" ;; db0c2e0d64f98fa7 47b5481dbefa4fa4
  )

  ;; Big-endian <-> little-endian for a 64-bit word (wasm has no byte-swap instruction): swap the
  ;; bytes of each 16-bit pair, then the 16-bit pairs of each half, then the halves.
  (func $bswap64 (param $x i64) (result i64)
    (local.set $x
      (i64.or
        (i64.and (i64.shr_u (local.get $x) (i64.const 8)) (i64.const 0x00ff00ff00ff00ff))
        (i64.shl (i64.and (local.get $x) (i64.const 0x00ff00ff00ff00ff)) (i64.const 8))))
    (local.set $x
      (i64.or
        (i64.and (i64.shr_u (local.get $x) (i64.const 16)) (i64.const 0x0000ffff0000ffff))
        (i64.shl (i64.and (local.get $x) (i64.const 0x0000ffff0000ffff)) (i64.const 16))))
    (i64.rotl (local.get $x) (i64.const 32)))

  ;; SHA-1 compression of the block at $p (6.1.2). $t counts bytes of W (4 per word).
  (func $sha1 (param $p i32)
    (local $t i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32)
    (local $x i32)
    (loop $load
      (local.set $x (i32.load (i32.add (local.get $p) (local.get $t))))
      (i32.store offset=0x380 (local.get $t)
        (i32.or
          (i32.and (i32.rotl (local.get $x) (i32.const 8)) (i32.const 0x00ff00ff))
          (i32.and (i32.rotr (local.get $x) (i32.const 8)) (i32.const 0xff00ff00))))
      (br_if $load (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 4))) (i32.const 64))))
    ;; W[t] = ROTL1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16])
    (loop $expand
      (i32.store offset=0x380 (local.get $t)
        (i32.rotl
          (i32.xor
            (i32.xor (i32.load offset=0x374 (local.get $t)) (i32.load offset=0x360 (local.get $t)))
            (i32.xor (i32.load offset=0x348 (local.get $t)) (i32.load offset=0x340 (local.get $t))))
          (i32.const 1)))
      (br_if $expand (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 4))) (i32.const 320))))
    (local.set $a (i32.load (i32.const 0x300)))
    (local.set $b (i32.load (i32.const 0x304)))
    (local.set $c (i32.load (i32.const 0x308)))
    (local.set $d (i32.load (i32.const 0x30c)))
    (local.set $e (i32.load (i32.const 0x310)))
    (local.set $t (i32.const 0))
    ;; T = ROTL5(a) + f_t(b, c, d) + e + K_t + W_t (4.1.1, 4.2.1): one loop per twenty rounds, so
    ;; f_t and K_t are chosen once, not per round
    ;; rounds 0-19: Ch
    (loop $r0
      (local.set $x
        (i32.add
          (i32.add
            (i32.rotl (local.get $a) (i32.const 5))
            (i32.xor (local.get $d) (i32.and (local.get $b) (i32.xor (local.get $c) (local.get $d)))))
          (i32.add (local.get $e) (i32.add (i32.const 0x5a827999) (i32.load offset=0x380 (local.get $t))))))
      (local.set $e (local.get $d))
      (local.set $d (local.get $c))
      (local.set $c (i32.rotl (local.get $b) (i32.const 30)))
      (local.set $b (local.get $a))
      (local.set $a (local.get $x))
      (br_if $r0 (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 4))) (i32.const 80))))
    ;; rounds 20-39: Parity
    (loop $r1
      (local.set $x
        (i32.add
          (i32.add
            (i32.rotl (local.get $a) (i32.const 5))
            (i32.xor (i32.xor (local.get $b) (local.get $c)) (local.get $d)))
          (i32.add (local.get $e) (i32.add (i32.const 0x6ed9eba1) (i32.load offset=0x380 (local.get $t))))))
      (local.set $e (local.get $d))
      (local.set $d (local.get $c))
      (local.set $c (i32.rotl (local.get $b) (i32.const 30)))
      (local.set $b (local.get $a))
      (local.set $a (local.get $x))
      (br_if $r1 (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 4))) (i32.const 160))))
    ;; rounds 40-59: Maj
    (loop $r2
      (local.set $x
        (i32.add
          (i32.add
            (i32.rotl (local.get $a) (i32.const 5))
            (i32.or
              (i32.and (local.get $b) (local.get $c))
              (i32.and (local.get $d) (i32.or (local.get $b) (local.get $c)))))
          (i32.add (local.get $e) (i32.add (i32.const 0x8f1bbcdc) (i32.load offset=0x380 (local.get $t))))))
      (local.set $e (local.get $d))
      (local.set $d (local.get $c))
      (local.set $c (i32.rotl (local.get $b) (i32.const 30)))
      (local.set $b (local.get $a))
      (local.set $a (local.get $x))
      (br_if $r2 (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 4))) (i32.const 240))))
    ;; rounds 60-79: Parity
    (loop $r3
      (local.set $x
        (i32.add
          (i32.add
            (i32.rotl (local.get $a) (i32.const 5))
            (i32.xor (i32.xor (local.get $b) (local.get $c)) (local.get $d)))
          (i32.add (local.get $e) (i32.add (i32.const 0xca62c1d6) (i32.load offset=0x380 (local.get $t))))))
      (local.set $e (local.get $d))
      (local.set $d (local.get $c))
      (local.set $c (i32.rotl (local.get $b) (i32.const 30)))
      (local.set $b (local.get $a))
      (local.set $a (local.get $x))
      (br_if $r3 (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 4))) (i32.const 320))))
    (i32.store (i32.const 0x300) (i32.add (i32.load (i32.const 0x300)) (local.get $a)))
    (i32.store (i32.const 0x304) (i32.add (i32.load (i32.const 0x304)) (local.get $b)))
    (i32.store (i32.const 0x308) (i32.add (i32.load (i32.const 0x308)) (local.get $c)))
    (i32.store (i32.const 0x30c) (i32.add (i32.load (i32.const 0x30c)) (local.get $d)))
    (i32.store (i32.const 0x310) (i32.add (i32.load (i32.const 0x310)) (local.get $e))))

  ;; SHA-256 compression of the block at $p (6.2.2). $t counts bytes of W (4 per word); K_t is
  ;; the upper half of K512 entry t, at byte 2 * $t + 4.
  (func $sha256 (param $p i32)
    (local $t i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32)
    (local $f i32) (local $g i32) (local $h i32) (local $x i32) (local $y i32)
    (loop $load
      (local.set $x (i32.load (i32.add (local.get $p) (local.get $t))))
      (i32.store offset=0x380 (local.get $t)
        (i32.or
          (i32.and (i32.rotl (local.get $x) (i32.const 8)) (i32.const 0x00ff00ff))
          (i32.and (i32.rotr (local.get $x) (i32.const 8)) (i32.const 0xff00ff00))))
      (br_if $load (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 4))) (i32.const 64))))
    ;; W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]
    (loop $expand
      (local.set $x (i32.load offset=0x378 (local.get $t)))
      (local.set $y (i32.load offset=0x344 (local.get $t)))
      (i32.store offset=0x380 (local.get $t)
        (i32.add
          (i32.add
            (i32.xor
              (i32.xor (i32.rotr (local.get $x) (i32.const 17)) (i32.rotr (local.get $x) (i32.const 19)))
              (i32.shr_u (local.get $x) (i32.const 10)))
            (i32.load offset=0x364 (local.get $t)))
          (i32.add
            (i32.xor
              (i32.xor (i32.rotr (local.get $y) (i32.const 7)) (i32.rotr (local.get $y) (i32.const 18)))
              (i32.shr_u (local.get $y) (i32.const 3)))
            (i32.load offset=0x340 (local.get $t)))))
      (br_if $expand (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 4))) (i32.const 256))))
    (local.set $a (i32.load (i32.const 0x300)))
    (local.set $b (i32.load (i32.const 0x304)))
    (local.set $c (i32.load (i32.const 0x308)))
    (local.set $d (i32.load (i32.const 0x30c)))
    (local.set $e (i32.load (i32.const 0x310)))
    (local.set $f (i32.load (i32.const 0x314)))
    (local.set $g (i32.load (i32.const 0x318)))
    (local.set $h (i32.load (i32.const 0x31c)))
    (local.set $t (i32.const 0))
    ;; Eight rounds per iteration (6.2.2 step 3), written out: instead of moving a..h down one
    ;; place per round, each round writes its two results into the variables whose roles are
    ;; e (d + T1) and a (T1 + T2, into the old h), so after eight rounds every variable holds its
    ;; own role again and no values are copied. K_t is at byte 2 * $t + 4 + 8i, W_t at 0x380 + $t + 4i.
    (loop $round
      (local.set $x
        (i32.add
          (i32.add
            (i32.add
              (local.get $h)
              (i32.xor
                (i32.xor (i32.rotr (local.get $e) (i32.const 6)) (i32.rotr (local.get $e) (i32.const 11)))
                (i32.rotr (local.get $e) (i32.const 25))))
            (i32.xor (local.get $g) (i32.and (local.get $e) (i32.xor (local.get $f) (local.get $g)))))
          (i32.add
            (i32.load offset=4 (i32.shl (local.get $t) (i32.const 1)))
            (i32.load offset=896 (local.get $t)))))
      (local.set $d (i32.add (local.get $d) (local.get $x)))
      (local.set $h
        (i32.add (local.get $x)
        (i32.add
          (i32.xor
            (i32.xor (i32.rotr (local.get $a) (i32.const 2)) (i32.rotr (local.get $a) (i32.const 13)))
            (i32.rotr (local.get $a) (i32.const 22)))
          (i32.or
            (i32.and (local.get $a) (local.get $b))
            (i32.and (local.get $c) (i32.or (local.get $a) (local.get $b)))))))
      (local.set $x
        (i32.add
          (i32.add
            (i32.add
              (local.get $g)
              (i32.xor
                (i32.xor (i32.rotr (local.get $d) (i32.const 6)) (i32.rotr (local.get $d) (i32.const 11)))
                (i32.rotr (local.get $d) (i32.const 25))))
            (i32.xor (local.get $f) (i32.and (local.get $d) (i32.xor (local.get $e) (local.get $f)))))
          (i32.add
            (i32.load offset=12 (i32.shl (local.get $t) (i32.const 1)))
            (i32.load offset=900 (local.get $t)))))
      (local.set $c (i32.add (local.get $c) (local.get $x)))
      (local.set $g
        (i32.add (local.get $x)
        (i32.add
          (i32.xor
            (i32.xor (i32.rotr (local.get $h) (i32.const 2)) (i32.rotr (local.get $h) (i32.const 13)))
            (i32.rotr (local.get $h) (i32.const 22)))
          (i32.or
            (i32.and (local.get $h) (local.get $a))
            (i32.and (local.get $b) (i32.or (local.get $h) (local.get $a)))))))
      (local.set $x
        (i32.add
          (i32.add
            (i32.add
              (local.get $f)
              (i32.xor
                (i32.xor (i32.rotr (local.get $c) (i32.const 6)) (i32.rotr (local.get $c) (i32.const 11)))
                (i32.rotr (local.get $c) (i32.const 25))))
            (i32.xor (local.get $e) (i32.and (local.get $c) (i32.xor (local.get $d) (local.get $e)))))
          (i32.add
            (i32.load offset=20 (i32.shl (local.get $t) (i32.const 1)))
            (i32.load offset=904 (local.get $t)))))
      (local.set $b (i32.add (local.get $b) (local.get $x)))
      (local.set $f
        (i32.add (local.get $x)
        (i32.add
          (i32.xor
            (i32.xor (i32.rotr (local.get $g) (i32.const 2)) (i32.rotr (local.get $g) (i32.const 13)))
            (i32.rotr (local.get $g) (i32.const 22)))
          (i32.or
            (i32.and (local.get $g) (local.get $h))
            (i32.and (local.get $a) (i32.or (local.get $g) (local.get $h)))))))
      (local.set $x
        (i32.add
          (i32.add
            (i32.add
              (local.get $e)
              (i32.xor
                (i32.xor (i32.rotr (local.get $b) (i32.const 6)) (i32.rotr (local.get $b) (i32.const 11)))
                (i32.rotr (local.get $b) (i32.const 25))))
            (i32.xor (local.get $d) (i32.and (local.get $b) (i32.xor (local.get $c) (local.get $d)))))
          (i32.add
            (i32.load offset=28 (i32.shl (local.get $t) (i32.const 1)))
            (i32.load offset=908 (local.get $t)))))
      (local.set $a (i32.add (local.get $a) (local.get $x)))
      (local.set $e
        (i32.add (local.get $x)
        (i32.add
          (i32.xor
            (i32.xor (i32.rotr (local.get $f) (i32.const 2)) (i32.rotr (local.get $f) (i32.const 13)))
            (i32.rotr (local.get $f) (i32.const 22)))
          (i32.or
            (i32.and (local.get $f) (local.get $g))
            (i32.and (local.get $h) (i32.or (local.get $f) (local.get $g)))))))
      (local.set $x
        (i32.add
          (i32.add
            (i32.add
              (local.get $d)
              (i32.xor
                (i32.xor (i32.rotr (local.get $a) (i32.const 6)) (i32.rotr (local.get $a) (i32.const 11)))
                (i32.rotr (local.get $a) (i32.const 25))))
            (i32.xor (local.get $c) (i32.and (local.get $a) (i32.xor (local.get $b) (local.get $c)))))
          (i32.add
            (i32.load offset=36 (i32.shl (local.get $t) (i32.const 1)))
            (i32.load offset=912 (local.get $t)))))
      (local.set $h (i32.add (local.get $h) (local.get $x)))
      (local.set $d
        (i32.add (local.get $x)
        (i32.add
          (i32.xor
            (i32.xor (i32.rotr (local.get $e) (i32.const 2)) (i32.rotr (local.get $e) (i32.const 13)))
            (i32.rotr (local.get $e) (i32.const 22)))
          (i32.or
            (i32.and (local.get $e) (local.get $f))
            (i32.and (local.get $g) (i32.or (local.get $e) (local.get $f)))))))
      (local.set $x
        (i32.add
          (i32.add
            (i32.add
              (local.get $c)
              (i32.xor
                (i32.xor (i32.rotr (local.get $h) (i32.const 6)) (i32.rotr (local.get $h) (i32.const 11)))
                (i32.rotr (local.get $h) (i32.const 25))))
            (i32.xor (local.get $b) (i32.and (local.get $h) (i32.xor (local.get $a) (local.get $b)))))
          (i32.add
            (i32.load offset=44 (i32.shl (local.get $t) (i32.const 1)))
            (i32.load offset=916 (local.get $t)))))
      (local.set $g (i32.add (local.get $g) (local.get $x)))
      (local.set $c
        (i32.add (local.get $x)
        (i32.add
          (i32.xor
            (i32.xor (i32.rotr (local.get $d) (i32.const 2)) (i32.rotr (local.get $d) (i32.const 13)))
            (i32.rotr (local.get $d) (i32.const 22)))
          (i32.or
            (i32.and (local.get $d) (local.get $e))
            (i32.and (local.get $f) (i32.or (local.get $d) (local.get $e)))))))
      (local.set $x
        (i32.add
          (i32.add
            (i32.add
              (local.get $b)
              (i32.xor
                (i32.xor (i32.rotr (local.get $g) (i32.const 6)) (i32.rotr (local.get $g) (i32.const 11)))
                (i32.rotr (local.get $g) (i32.const 25))))
            (i32.xor (local.get $a) (i32.and (local.get $g) (i32.xor (local.get $h) (local.get $a)))))
          (i32.add
            (i32.load offset=52 (i32.shl (local.get $t) (i32.const 1)))
            (i32.load offset=920 (local.get $t)))))
      (local.set $f (i32.add (local.get $f) (local.get $x)))
      (local.set $b
        (i32.add (local.get $x)
        (i32.add
          (i32.xor
            (i32.xor (i32.rotr (local.get $c) (i32.const 2)) (i32.rotr (local.get $c) (i32.const 13)))
            (i32.rotr (local.get $c) (i32.const 22)))
          (i32.or
            (i32.and (local.get $c) (local.get $d))
            (i32.and (local.get $e) (i32.or (local.get $c) (local.get $d)))))))
      (local.set $x
        (i32.add
          (i32.add
            (i32.add
              (local.get $a)
              (i32.xor
                (i32.xor (i32.rotr (local.get $f) (i32.const 6)) (i32.rotr (local.get $f) (i32.const 11)))
                (i32.rotr (local.get $f) (i32.const 25))))
            (i32.xor (local.get $h) (i32.and (local.get $f) (i32.xor (local.get $g) (local.get $h)))))
          (i32.add
            (i32.load offset=60 (i32.shl (local.get $t) (i32.const 1)))
            (i32.load offset=924 (local.get $t)))))
      (local.set $e (i32.add (local.get $e) (local.get $x)))
      (local.set $a
        (i32.add (local.get $x)
        (i32.add
          (i32.xor
            (i32.xor (i32.rotr (local.get $b) (i32.const 2)) (i32.rotr (local.get $b) (i32.const 13)))
            (i32.rotr (local.get $b) (i32.const 22)))
          (i32.or
            (i32.and (local.get $b) (local.get $c))
            (i32.and (local.get $d) (i32.or (local.get $b) (local.get $c)))))))
      (br_if $round (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 32))) (i32.const 256))))
    (i32.store (i32.const 0x300) (i32.add (i32.load (i32.const 0x300)) (local.get $a)))
    (i32.store (i32.const 0x304) (i32.add (i32.load (i32.const 0x304)) (local.get $b)))
    (i32.store (i32.const 0x308) (i32.add (i32.load (i32.const 0x308)) (local.get $c)))
    (i32.store (i32.const 0x30c) (i32.add (i32.load (i32.const 0x30c)) (local.get $d)))
    (i32.store (i32.const 0x310) (i32.add (i32.load (i32.const 0x310)) (local.get $e)))
    (i32.store (i32.const 0x314) (i32.add (i32.load (i32.const 0x314)) (local.get $f)))
    (i32.store (i32.const 0x318) (i32.add (i32.load (i32.const 0x318)) (local.get $g)))
    (i32.store (i32.const 0x31c) (i32.add (i32.load (i32.const 0x31c)) (local.get $h))))

  ;; SHA-512 compression of the block at $p (6.4.2), also SHA-384's (6.5.2). $t counts bytes of W
  ;; and of K512 (8 per word).
  (func $sha512 (param $p i32)
    (local $t i32) (local $a i64) (local $b i64) (local $c i64) (local $d i64) (local $e i64)
    (local $f i64) (local $g i64) (local $h i64) (local $x i64) (local $y i64)
    (loop $load
      (local.set $x (i64.load (i32.add (local.get $p) (local.get $t))))
      (local.set $x
        (i64.or
          (i64.and (i64.shr_u (local.get $x) (i64.const 8)) (i64.const 0x00ff00ff00ff00ff))
          (i64.shl (i64.and (local.get $x) (i64.const 0x00ff00ff00ff00ff)) (i64.const 8))))
      (local.set $x
        (i64.or
          (i64.and (i64.shr_u (local.get $x) (i64.const 16)) (i64.const 0x0000ffff0000ffff))
          (i64.shl (i64.and (local.get $x) (i64.const 0x0000ffff0000ffff)) (i64.const 16))))
      (i64.store offset=0x380 (local.get $t) (i64.rotl (local.get $x) (i64.const 32)))
      (br_if $load (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 8))) (i32.const 128))))
    ;; W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]
    (loop $expand
      (local.set $x (i64.load offset=0x370 (local.get $t)))
      (local.set $y (i64.load offset=0x308 (local.get $t)))
      (i64.store offset=0x380 (local.get $t)
        (i64.add
          (i64.add
            (i64.xor
              (i64.xor (i64.rotr (local.get $x) (i64.const 19)) (i64.rotr (local.get $x) (i64.const 61)))
              (i64.shr_u (local.get $x) (i64.const 6)))
            (i64.load offset=0x348 (local.get $t)))
          (i64.add
            (i64.xor
              (i64.xor (i64.rotr (local.get $y) (i64.const 1)) (i64.rotr (local.get $y) (i64.const 8)))
              (i64.shr_u (local.get $y) (i64.const 7)))
            (i64.load offset=0x300 (local.get $t)))))
      (br_if $expand (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 8))) (i32.const 640))))
    (local.set $a (i64.load (i32.const 0x300)))
    (local.set $b (i64.load (i32.const 0x308)))
    (local.set $c (i64.load (i32.const 0x310)))
    (local.set $d (i64.load (i32.const 0x318)))
    (local.set $e (i64.load (i32.const 0x320)))
    (local.set $f (i64.load (i32.const 0x328)))
    (local.set $g (i64.load (i32.const 0x330)))
    (local.set $h (i64.load (i32.const 0x338)))
    (local.set $t (i32.const 0))
    (loop $round
      ;; T1 = h + Σ1(e) + Ch(e, f, g) + K_t + W_t
      (local.set $x
        (i64.add
          (i64.add
            (i64.add
              (local.get $h)
              (i64.xor
                (i64.xor (i64.rotr (local.get $e) (i64.const 14)) (i64.rotr (local.get $e) (i64.const 18)))
                (i64.rotr (local.get $e) (i64.const 41))))
            (i64.xor (local.get $g) (i64.and (local.get $e) (i64.xor (local.get $f) (local.get $g)))))
          (i64.add (i64.load (local.get $t)) (i64.load offset=0x380 (local.get $t)))))
      ;; T2 = Σ0(a) + Maj(a, b, c)
      (local.set $y
        (i64.add
          (i64.xor
            (i64.xor (i64.rotr (local.get $a) (i64.const 28)) (i64.rotr (local.get $a) (i64.const 34)))
            (i64.rotr (local.get $a) (i64.const 39)))
          (i64.or
            (i64.and (local.get $a) (local.get $b))
            (i64.and (local.get $c) (i64.or (local.get $a) (local.get $b))))))
      (local.set $h (local.get $g))
      (local.set $g (local.get $f))
      (local.set $f (local.get $e))
      (local.set $e (i64.add (local.get $d) (local.get $x)))
      (local.set $d (local.get $c))
      (local.set $c (local.get $b))
      (local.set $b (local.get $a))
      (local.set $a (i64.add (local.get $x) (local.get $y)))
      (br_if $round (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 8))) (i32.const 640))))
    (i64.store (i32.const 0x300) (i64.add (i64.load (i32.const 0x300)) (local.get $a)))
    (i64.store (i32.const 0x308) (i64.add (i64.load (i32.const 0x308)) (local.get $b)))
    (i64.store (i32.const 0x310) (i64.add (i64.load (i32.const 0x310)) (local.get $c)))
    (i64.store (i32.const 0x318) (i64.add (i64.load (i32.const 0x318)) (local.get $d)))
    (i64.store (i32.const 0x320) (i64.add (i64.load (i32.const 0x320)) (local.get $e)))
    (i64.store (i32.const 0x328) (i64.add (i64.load (i32.const 0x328)) (local.get $f)))
    (i64.store (i32.const 0x330) (i64.add (i64.load (i32.const 0x330)) (local.get $g)))
    (i64.store (i32.const 0x338) (i64.add (i64.load (i32.const 0x338)) (local.get $h))))

  ;; Compresses the whole blocks in [$p, $end) into STATE.
  (func $blocks (param $alg i32) (param $p i32) (param $end i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (if (i32.eqz (local.get $alg))
          (then (call $sha1 (local.get $p)))
          (else
            (if (i32.eq (local.get $alg) (i32.const 1))
              (then (call $sha256 (local.get $p)))
              (else (call $sha512 (local.get $p))))))
        (local.set $p
          (i32.add (local.get $p) (i32.shl (i32.const 64) (i32.shr_u (local.get $alg) (i32.const 1)))))
        (br $next))))

  ;; Sets STATE to the algorithm's initial hash value (5.3.1, 5.3.3, 5.3.4, 5.3.5).
  (func $begin (export "begin") (param $alg i32)
    (local $t i32)
    (if (i32.eqz (local.get $alg))
      (then
        (i32.store (i32.const 0x300) (i32.const 0x67452301))
        (i32.store (i32.const 0x304) (i32.const 0xefcdab89))
        (i32.store (i32.const 0x308) (i32.const 0x98badcfe))
        (i32.store (i32.const 0x30c) (i32.const 0x10325476))
        (i32.store (i32.const 0x310) (i32.const 0xc3d2e1f0))
        (return)))
    (if (i32.eq (local.get $alg) (i32.const 1))
      (then
        ;; SHA-256's H(0) word t/4 is the upper half of IV512 entry t/4, at byte 0x284 + 2 * $t
        (loop $iv
          (i32.store offset=0x300 (local.get $t)
            (i32.load offset=0x284 (i32.shl (local.get $t) (i32.const 1))))
          (br_if $iv (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 4))) (i32.const 32))))
        (return)))
    (memory.copy
      (i32.const 0x300)
      (select (i32.const 0x2c0) (i32.const 0x280) (i32.eq (local.get $alg) (i32.const 2)))
      (i32.const 64)))

  ;; Compresses INPUT[0, $len) as whole blocks (JS passes a multiple of the block size).
  (func (export "update") (param $alg i32) (param $len i32)
    (call $blocks (local.get $alg) (i32.const 0x600) (i32.add (i32.const 0x600) (local.get $len))))

  ;; Compresses INPUT[0, $len), the message's last bytes, pads them (5.1.1, 5.1.2) for a message of
  ;; $total bytes and writes the big-endian digest to OUT (32 bytes for SHA-1/256, 64 for
  ;; SHA-384/512; JS reads the first 20, 32, 48 or 64). Pads in place: INPUT is overwritten up to
  ;; two blocks past $len.
  (func (export "finish") (param $alg i32) (param $len i32) (param $total f64)
    (call $finishAt (local.get $alg) (i32.const 0x600) (local.get $len) (local.get $total)))

  ;; `finish` for the message tail at [$base, $base + $len) instead of INPUT (pads in place there).
  (func $finishAt (param $alg i32) (param $base i32) (param $len i32) (param $total f64)
    (local $bs i32) (local $p i32) (local $r i32) (local $end i32) (local $t i32) (local $x i32)
    (local.set $bs (i32.shl (i32.const 64) (i32.shr_u (local.get $alg) (i32.const 1))))
    (local.set $r (i32.and (local.get $len) (i32.sub (local.get $bs) (i32.const 1))))
    (local.set $p (i32.add (local.get $base) (i32.sub (local.get $len) (local.get $r))))
    (call $blocks (local.get $alg) (local.get $base) (local.get $p))
    ;; 0x80, zeros, then the bit length in the last 8 bytes: the length field is 8 bytes for SHA-1/256
    ;; and 16 for SHA-384/512, whose upper half stays zero (JS lengths are below 2^53 bytes). A tail
    ;; that leaves no room for 0x80 and the length field takes a second block.
    (i32.store8 (i32.add (local.get $p) (local.get $r)) (i32.const 0x80))
    (local.set $end
      (select
        (i32.shl (local.get $bs) (i32.const 1))
        (local.get $bs)
        (i32.gt_u
          (i32.add (local.get $r) (i32.add (i32.const 1) (i32.shr_u (local.get $bs) (i32.const 3))))
          (local.get $bs))))
    (memory.fill
      (i32.add (local.get $p) (i32.add (local.get $r) (i32.const 1)))
      (i32.const 0)
      (i32.sub (local.get $end) (i32.add (local.get $r) (i32.const 1))))
    (i64.store
      (i32.add (local.get $p) (i32.sub (local.get $end) (i32.const 8)))
      (call $bswap64 (i64.shl (i64.trunc_f64_u (local.get $total)) (i64.const 3))))
    (call $blocks (local.get $alg) (local.get $p) (i32.add (local.get $p) (local.get $end)))
    (if (i32.lt_u (local.get $alg) (i32.const 2))
      (then
        (loop $w32
          (local.set $x (i32.load offset=0x300 (local.get $t)))
          (i32.store offset=0x340 (local.get $t)
            (i32.or
              (i32.and (i32.rotl (local.get $x) (i32.const 8)) (i32.const 0x00ff00ff))
              (i32.and (i32.rotr (local.get $x) (i32.const 8)) (i32.const 0xff00ff00))))
          (br_if $w32 (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 4))) (i32.const 32)))))
      (else
        (loop $w64
          (i64.store offset=0x340 (local.get $t) (call $bswap64 (i64.load offset=0x300 (local.get $t))))
          (br_if $w64 (i32.ne (local.tee $t (i32.add (local.get $t) (i32.const 8))) (i32.const 64)))))))

  ;; The whole message in INPUT[0, $len): one call per small message.
  (func (export "hash") (param $alg i32) (param $len i32)
    (call $begin (local.get $alg))
    (call $finishAt
      (local.get $alg) (i32.const 0x600) (local.get $len) (f64.convert_i32_u (local.get $len))))

  ;; A run of extends of one register: OUT[0, size) <- H(OUT[0, size) || INPUT[i*mlen, (i+1)*mlen))
  ;; for i = 0 .. count-1, size being the digest size (20, 32, 48, 64). JS writes the register to OUT
  ;; first and reads it back after; $mlen <= 64, so a message (<= 128 bytes) and its padding
  ;; (<= two 128-byte blocks) stay within [MSG, 0xfe00 + 0x80).
  (func (export "chain") (param $alg i32) (param $count i32) (param $mlen i32)
    (local $size i32) (local $len i32) (local $src i32)
    (local.set $size
      (select
        (i32.const 20)
        (i32.shl (i32.add (local.get $alg) (i32.const 1)) (i32.const 4))
        (i32.eqz (local.get $alg))))
    (local.set $len (i32.add (local.get $size) (local.get $mlen)))
    (local.set $src (i32.const 0x600))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $count)))
        (memory.copy (i32.const 0xfd00) (i32.const 0x340) (local.get $size))
        (memory.copy (i32.add (i32.const 0xfd00) (local.get $size)) (local.get $src) (local.get $mlen))
        (call $begin (local.get $alg))
        (call $finishAt
          (local.get $alg) (i32.const 0xfd00) (local.get $len) (f64.convert_i32_u (local.get $len)))
        (local.set $src (i32.add (local.get $src) (local.get $mlen)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $next))))
)
