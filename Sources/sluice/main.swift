import Foundation
import SluiceCLI
#if canImport(Glibc)
import CMalloc

// glibc gives every thread that allocates an arena of its own (up to eight per core), and a run's threads keep
// allocating and freeing page-sized buffers for as long as it lasts, each arena holding on to its free space: two
// arenas take a fifth off a run's peak resident memory at the same speed. Buffers above 1 MiB (a fixed threshold:
// glibc's sliding one soon keeps every size in the arenas) are mapped and returned on free; below it, a page's
// decoded text and tree buffers reuse arena memory. With 128 KiB, every page's buffers were mapped afresh, and the
// kernel's zeroing of new pages and the unmapping took a tenth of the run's CPU time: 10,000 benchmark URLs
// (scripts/bench-e2e.sh) took 13-19 system seconds against 7-9 now, for 5 MiB more peak memory.
mallopt(M_ARENA_MAX, 2)
mallopt(M_MMAP_THRESHOLD, 1024 * 1024)
#endif

exit(Command.main(arguments: Array(CommandLine.arguments.dropFirst())))
