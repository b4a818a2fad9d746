// WASI and WASIX run on the interpreter; re-export it so that an embedder needs one import.
@_exported import WasmInterpreter
