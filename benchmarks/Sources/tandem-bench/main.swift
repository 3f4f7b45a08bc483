import Foundation
import TandemBench
import TandemRuntime

OpenMPSpinTuning.applyByReexecuting()

// `tandem-bench`: the same code as `tandem bench` (see TandemBench.BenchMain).
let status = await BenchMain.run(Array(CommandLine.arguments.dropFirst()))
// _exit skips C++ static destructors: ggml must not be torn down under a decode thread that is
// still winding down after the last engine was released.
fflush(nil)  // every C stream; print() writes through stdout's buffer
_exit(status)
