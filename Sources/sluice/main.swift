import Foundation
import SluiceCLI
#if canImport(Glibc)
import CMalloc

// glibc gives every thread that allocates an arena of its own (up to eight per core), and a run's threads keep
// allocating and freeing page-sized buffers for as long as it lasts, each arena holding on to its free space.
// Two arenas, and bodies above 128 KiB mapped and returned on free (a fixed threshold: glibc's sliding one
// soon keeps them in the arenas), take a fifth off a run's peak resident memory at the same speed
// (scripts/bench-e2e.sh).
mallopt(M_ARENA_MAX, 2)
mallopt(M_MMAP_THRESHOLD, 128 * 1024)
#endif

exit(Command.main(arguments: Array(CommandLine.arguments.dropFirst())))
