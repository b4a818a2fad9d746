// The interpreter builds on the decoder's types (modules, value types, instructions); re-export them so that
// an embedder needs one import.
@_exported import WasmDecoder
