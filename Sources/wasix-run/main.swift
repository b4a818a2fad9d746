#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SpecRunner
import Wasix

/// Entry point of `wasix-run`. Parsing lives in `CommandLineOptions`; the work lives in the libraries.
let arguments = Array(CommandLine.arguments.dropFirst())
exit(CLI.run(arguments))
