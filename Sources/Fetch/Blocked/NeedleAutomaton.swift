/// Many byte strings looked for in one pass over a text (Aho–Corasick), ASCII letters compared without case.
///
/// Built once per rules file. The automaton is a full transition table over byte classes: every byte that
/// occurs in some needle has a class of its own (an ASCII letter shares it with its other case), every other
/// byte falls into class 0, so the table stays small however long the text is.
struct NeedleAutomaton: Sendable {
    let needleCount: Int
    private let classOf: [UInt8]
    private let classCount: Int
    /// `transitions[state * classCount + class]`: the state after reading a byte of that class.
    private let transitions: [Int32]
    /// The needles that end at each state, those of its suffix states included:
    /// `endingNeedles[endingStart[state]..<endingStart[state + 1]]`.
    private let endingStart: [Int32]
    private let endingNeedles: [Int32]

    init(_ needles: [String]) {
        let folded = needles.map { Array($0.utf8).map(NeedleAutomaton.fold) }
        var classOf = [UInt8](repeating: 0, count: 256)
        var classes = 1
        for byte in Set(folded.joined()).sorted() {
            classOf[Int(byte)] = UInt8(classes)
            classes += 1
        }
        for upper in UInt8(ascii: "A")...UInt8(ascii: "Z") { classOf[Int(upper)] = classOf[Int(upper | 0x20)] }
        // Distinct bytes of UTF-8 needles never exceed 255 classes: fold keeps at most 256 - 26 of them.
        let classCount = classes

        var trie: [[Int: Int]] = [[:]]
        var endsHere: [[Int]] = [[]]
        for (index, needle) in folded.enumerated() {
            var state = 0
            for byte in needle {
                let symbol = Int(classOf[Int(byte)])
                if let next = trie[state][symbol] {
                    state = next
                } else {
                    trie.append([:])
                    endsHere.append([])
                    trie[state][symbol] = trie.count - 1
                    state = trie.count - 1
                }
            }
            endsHere[state].append(index)
        }

        var transitions = [Int32](repeating: 0, count: trie.count * classCount)
        var fallback = [Int](repeating: 0, count: trie.count)
        var endings = endsHere
        var breadthFirst: [Int] = []
        for symbol in 0..<classCount {
            if let child = trie[0][symbol] {
                transitions[symbol] = Int32(child)
                breadthFirst.append(child)
            }
        }
        var cursor = 0
        while cursor < breadthFirst.count {
            let state = breadthFirst[cursor]
            cursor += 1
            endings[state] += endings[fallback[state]]
            for symbol in 0..<classCount {
                let viaFallback = transitions[fallback[state] * classCount + symbol]
                if let child = trie[state][symbol] {
                    fallback[child] = Int(viaFallback)
                    transitions[state * classCount + symbol] = Int32(child)
                    breadthFirst.append(child)
                } else {
                    transitions[state * classCount + symbol] = viaFallback
                }
            }
        }
        self.needleCount = needles.count
        self.classOf = classOf
        self.classCount = classCount
        self.transitions = transitions
        endingStart = endings.reduce(into: [Int32(0)]) { starts, needles in starts.append(starts[starts.count - 1] + Int32(needles.count)) }
        endingNeedles = endings.joined().map { Int32($0) }
    }

    /// Marks in `found` (indexed like the needles) every needle that occurs in `text`.
    func scan(_ text: UnsafeBufferPointer<UInt8>, into found: inout [Bool]) {
        guard needleCount > 0 else { return }
        classOf.withUnsafeBufferPointer { classOf in
            transitions.withUnsafeBufferPointer { transitions in
                endingStart.withUnsafeBufferPointer { endingStart in
                    var state = 0
                    for byte in text {
                        state = Int(transitions[state &* classCount &+ Int(classOf[Int(byte)])])
                        var ending = Int(endingStart[state])
                        while ending < Int(endingStart[state + 1]) {
                            found[Int(endingNeedles[ending])] = true
                            ending += 1
                        }
                    }
                }
            }
        }
    }

    /// The needles found in `text`, by index.
    func found(in text: UnsafeBufferPointer<UInt8>) -> [Bool] {
        var found = [Bool](repeating: false, count: needleCount)
        scan(text, into: &found)
        return found
    }

    static func fold(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
