;; Issue 20: a 64-bit memory of 2^48 pages validates, and its instantiation used to crash the host (the byte
;; count overflowed); the store's limit memoryPages (65,536 by default) refuses it before anything is allocated.
(module
  (memory i64 0x1_0000_0000_0000)
  (func (export "_start")))
