import Foundation

/// Sparse rows in compressed form: row `i` is `columns[start[i]..<start[i + 1]]` with its `values`.
struct SparseRows: Sendable {
    private(set) var start: [Int] = [0]
    private(set) var columns: [Int32] = []
    private(set) var values: [Float] = []

    var count: Int { start.count - 1 }

    mutating func append(_ entries: [(column: Int32, value: Float)]) {
        for entry in entries {
            columns.append(entry.column)
            values.append(entry.value)
        }
        start.append(columns.count)
    }

    /// The rows at `indices`, in that order.
    func subset(_ indices: [Int]) -> SparseRows {
        var rows = SparseRows()
        rows.columns.reserveCapacity(indices.reduce(0) { $0 + start[$1 + 1] - start[$1] })
        rows.values.reserveCapacity(rows.columns.capacity)
        for index in indices {
            rows.columns.append(contentsOf: columns[start[index]..<start[index + 1]])
            rows.values.append(contentsOf: values[start[index]..<start[index + 1]])
            rows.start.append(rows.columns.count)
        }
        return rows
    }

    /// The rows' values with each one multiplied by its column's factor and each row scaled back to unit
    /// length (the naive Bayes–weighted view of one class), sharing the rows' columns.
    func scaledValues(by factors: [Float]) -> [Float] {
        var scaled = values
        scaled.withUnsafeMutableBufferPointer { values in
            columns.withUnsafeBufferPointer { columns in
                for row in 0..<count {
                    var squares = 0.0
                    for entry in start[row]..<start[row + 1] {
                        values[entry] *= factors[Int(columns[entry])]
                        squares += Double(values[entry]) * Double(values[entry])
                    }
                    guard squares > 0 else { continue }
                    let inverse = Float(1 / squares.squareRoot())
                    for entry in start[row]..<start[row + 1] { values[entry] *= inverse }
                }
            }
        }
        return scaled
    }
}

/// The hashed buckets kept from training, with their inverse document frequencies; turns a text's feature
/// counts into a sublinear TF-IDF vector of unit length: (1 + ln tf) · idf, idf = ln((1 + n) / (1 + df)) + 1.
struct Vocabulary: Sendable, Codable, Equatable {
    /// Sorted, so a bucket's column is found by binary search.
    let buckets: [UInt32]
    let idf: [Float]

    var count: Int { buckets.count }

    init(buckets: [UInt32], idf: [Float]) {
        self.buckets = buckets
        self.idf = idf
    }

    /// Keeps the buckets found in at least `minDocumentFrequency` documents, the `maxFeatures` most frequent
    /// of them (ties by bucket, so the result does not depend on the documents' order). Counting takes one
    /// 32-bit counter per bucket, whatever the number of documents.
    init(documents: [[FeatureCount]], hashBits: Int, minDocumentFrequency: Int, maxFeatures: Int) {
        var frequency = [Int32](repeating: 0, count: 1 << hashBits)
        for document in documents { for feature in document { frequency[Int(feature.bucket)] += 1 } }
        var kept: [(bucket: UInt32, df: Int32)] = []
        for (bucket, df) in frequency.enumerated() where df > 0 && Int(df) >= minDocumentFrequency {
            kept.append((UInt32(bucket), df))
        }
        if kept.count > maxFeatures {
            kept.sort { $0.df != $1.df ? $0.df > $1.df : $0.bucket < $1.bucket }
            kept.removeLast(kept.count - maxFeatures)
            kept.sort { $0.bucket < $1.bucket }
        }
        let documentCount = Float(documents.count)
        buckets = kept.map(\.bucket)
        idf = Packed.rounded(kept.map { log((1 + documentCount) / (1 + Float($0.df))) + 1 })
    }

    func column(of bucket: UInt32) -> Int? {
        var low = 0
        var high = buckets.count
        while low < high {
            let middle = (low + high) / 2
            if buckets[middle] < bucket { low = middle + 1 } else { high = middle }
        }
        return low < buckets.count && buckets[low] == bucket ? low : nil
    }

    func vector(_ counts: [FeatureCount]) -> [(column: Int32, value: Float)] {
        var entries: [(column: Int32, value: Float)] = []
        entries.reserveCapacity(counts.count)
        var squares: Float = 0
        for feature in counts {
            guard let column = column(of: feature.bucket) else { continue }
            let value = (1 + log(feature.count)) * idf[column]
            entries.append((Int32(column), value))
            squares += value * value
        }
        guard squares > 0 else { return entries }
        let inverse = 1 / squares.squareRoot()
        return entries.map { ($0.column, $0.value * inverse) }
    }

    enum CodingKeys: String, CodingKey {
        case buckets, idf
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        buckets = try Packed.unsigned(container.decode(Data.self, forKey: .buckets))
        idf = try Packed.halves(container.decode(Data.self, forKey: .idf))
        guard buckets.count == idf.count, zip(buckets, buckets.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw DecodingError.dataCorruptedError(forKey: .idf, in: container,
                                                   debugDescription: "buckets and idf do not match or are not sorted")
        }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Packed.data(buckets), forKey: .buckets)
        try container.encode(Packed.halfData(idf), forKey: .idf)
    }
}

/// Arrays of numbers as little-endian bytes (base64 in the model's JSON). Weights and idf are kept at half
/// precision (three significant digits, ample for sums of a few hundred terms; it halves the model), and
/// `rounded` applies the same rounding to a model in memory.
enum Packed {
    static func rounded(_ values: [Float]) -> [Float] {
        values.map { Float(Float16($0)) }
    }

    static func halfData(_ values: [Float]) -> Data {
        var data = Data(capacity: values.count * 2)
        for value in values { withUnsafeBytes(of: Float16(value).bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func halves(_ data: Data) throws -> [Float] {
        guard data.count % 2 == 0 else { throw ClassifyError.unreadableModel(reason: "a packed array is not a whole number of values") }
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count, by: 2).map { offset in
            Float(Float16(bitPattern: UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8))
        }
    }

    static func data(_ values: [UInt32]) -> Data {
        var data = Data(capacity: values.count * 4)
        for value in values { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func unsigned(_ data: Data) throws -> [UInt32] {
        guard data.count % 4 == 0 else { throw ClassifyError.unreadableModel(reason: "a packed array is not a whole number of values") }
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count, by: 4).map { offset in
            UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
        }
    }

}
