;; Issue 20: a table of 10,000,001 elements validates (the spec suite declares one of 2^32-1), and instantiation
;; refuses it with the store's limit tableElements (10,000,000 by default) before allocating anything.
(module
  (table 10000001 funcref)
  (func (export "_start")))
