import CLlama
import Foundation

/// Checks a GGUF file's structure before llama.cpp sees it.
///
/// llama.cpp's loader trusts some header fields enough to assert (and abort the process) on
/// nonsense, so every length, count, tensor type, shape and data range is checked here against
/// the file's real size first. What passes is well-formed; llama.cpp still judges the content.
struct GGUFValidator {
    /// What the header says, for error messages and sanity checks.
    struct Summary {
        var version: UInt32
        var tensorCount: UInt64
        var metadata: [String: String]
    }

    /// The mapped file; valid only inside `validate`.
    private let data: UnsafeRawBufferPointer
    private var offset = 0
    private let path: String

    static func validate(path: String) throws(RuntimeError) -> Summary {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .fileNotFound(path: path) }
        guard !isDirectory.boolValue else { throw .notARegularFile(path: path) }
        let file: Data
        do { file = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw .invalidModelFile(path: path, reason: "cannot read it (\(error.localizedDescription))")
        }
        // Read through one raw pointer: per-field Data slices would copy a ~100k-string vocabulary.
        let result: Result<Summary, RuntimeError> = file.withUnsafeBytes { raw in
            var validator = GGUFValidator(data: raw, path: path)
            do throws(RuntimeError) { return .success(try validator.run()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private init(data: UnsafeRawBufferPointer, path: String) { self.data = data; self.path = path }

    private func fail(_ reason: String) -> RuntimeError { .invalidModelFile(path: path, reason: reason) }

    private mutating func run() throws(RuntimeError) -> Summary {
        guard !data.isEmpty else { throw fail("the file is empty") }
        guard data.count >= 24 else { throw fail("the file is only \(data.count) bytes, too short for a GGUF header") }
        guard Array(data.prefix(4)) == Array("GGUF".utf8) else { throw fail("wrong magic (not a GGUF file)") }
        offset = 4
        let version = try u32()
        guard version == 2 || version == 3 else { throw fail("unsupported GGUF version \(version) (expected 2 or 3)") }
        let tensorCount = try u64()
        let kvCount = try u64()
        // Each KV pair and tensor info takes at least 8+4 bytes: counts beyond that are lies.
        let remaining = UInt64(data.count - offset)
        guard kvCount <= remaining / 12 else { throw fail("header claims \(kvCount) metadata entries, more than the file can hold") }
        guard tensorCount <= remaining / 24 else { throw fail("header claims \(tensorCount) tensors, more than the file can hold") }

        var metadata: [String: String] = [:]
        var alignment: UInt64 = 32
        for _ in 0..<kvCount {
            let key = try string()
            let type = try u32()
            let value = try skipValue(type: type, key: key)
            metadata[key] = value
            if key == "general.alignment" {
                guard let a = UInt64(value), a > 0, a & (a - 1) == 0, a <= 1 << 20 else { throw fail("bad general.alignment \(value)") }
                alignment = a
            }
        }
        var names = Set<String>()
        var tensors: [(name: String, offset: UInt64, bytes: UInt64)] = []
        tensors.reserveCapacity(Int(tensorCount))
        for _ in 0..<tensorCount {
            let name = try string()
            guard names.insert(name).inserted else { throw fail("duplicate tensor '\(name)'") }
            let dims = try u32()
            guard (1...UInt32(GGML_MAX_DIMS)).contains(dims) else { throw fail("tensor '\(name)' has \(dims) dimensions") }
            var elements: UInt64 = 1
            var ne0: UInt64 = 0
            for d in 0..<dims {
                let n = try u64()
                guard n > 0, n < 1 << 40 else { throw fail("tensor '\(name)' has dimension \(n)") }
                if d == 0 { ne0 = n }
                let (product, overflow) = elements.multipliedReportingOverflow(by: n)
                guard !overflow, product < 1 << 44 else { throw fail("tensor '\(name)' is impossibly large") }
                elements = product
            }
            let rawType = try u32()
            guard rawType < GGML_TYPE_COUNT.rawValue else { throw fail("tensor '\(name)' has unknown type \(rawType)") }
            let type = ggml_type(rawType)
            let blockSize = UInt64(ggml_blck_size(type))
            let typeSize = UInt64(ggml_type_size(type))
            guard blockSize > 0, typeSize > 0 else { throw fail("tensor '\(name)' uses removed type \(rawType)") }
            guard ne0 % blockSize == 0 else { throw fail("tensor '\(name)' row of \(ne0) is not a multiple of its block size \(blockSize)") }
            let tensorOffset = try u64()
            guard tensorOffset % alignment == 0 else { throw fail("tensor '\(name)' data offset is not aligned") }
            tensors.append((name, tensorOffset, elements / blockSize * typeSize))
        }
        let headerEnd = (UInt64(offset) + alignment - 1) / alignment * alignment
        let dataBytes = UInt64(data.count) >= headerEnd ? UInt64(data.count) - headerEnd : 0
        for t in tensors {
            let (end, overflow) = t.offset.addingReportingOverflow(t.bytes)
            guard !overflow, end <= dataBytes else {
                throw fail("tensor '\(t.name)' data lies outside the file (truncated download?)")
            }
        }
        guard let architecture = metadata["general.architecture"] else { throw fail("no general.architecture in the metadata") }
        try checkHyperparameters(metadata, architecture: architecture)
        return Summary(version: version, tensorCount: tensorCount, metadata: metadata)
    }

    /// Hyperparameters llama.cpp asserts on (abort) rather than rejects; per-layer arrays are skipped.
    private func checkHyperparameters(_ m: [String: String], architecture a: String) throws(RuntimeError) {
        func int(_ key: String) -> Int? { m["\(a).\(key)"].flatMap { Int($0) } }
        func present(_ key: String) -> Bool { m["\(a).\(key)"] != nil }
        if present("block_count") {
            guard let n = int("block_count"), (1...512).contains(n) else { throw fail("\(a).block_count must be 1...512") }
        }
        if present("expert_count") || present("expert_used_count") {
            let experts = int("expert_count") ?? 0, used = int("expert_used_count") ?? 0
            guard (0...256).contains(experts), (0...experts).contains(used) else { throw fail("expert counts out of range") }
        }
        guard let embd = int("embedding_length") else { return }
        guard embd > 0 else { throw fail("\(a).embedding_length must be positive") }
        if present("attention.head_count"), let heads = int("attention.head_count") {
            guard heads > 0, embd % heads == 0 || present("attention.key_length") else {
                throw fail("\(a).attention.head_count \(heads) does not divide embedding_length \(embd)")
            }
            if let kv = int("attention.head_count_kv") {
                guard kv > 0, heads % kv == 0 else { throw fail("\(a).attention.head_count_kv \(kv) does not divide head_count \(heads)") }
            }
            if !present("attention.key_length"), let rope = int("rope.dimension_count"), a == "llama" {
                guard rope == embd / heads else { throw fail("\(a).rope.dimension_count \(rope) differs from the head size \(embd / heads)") }
            }
        }
    }

    // MARK: readers (bounds-checked)

    private mutating func bytes(_ n: Int) throws(RuntimeError) -> UnsafeRawBufferPointer {
        guard n >= 0, offset <= data.count - n else { throw fail("truncated header at byte \(offset)") }
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: data[offset..<offset + n])
    }

    private mutating func u32() throws(RuntimeError) -> UInt32 {
        try bytes(4).loadUnaligned(as: UInt32.self).littleEndian
    }

    private mutating func u64() throws(RuntimeError) -> UInt64 {
        try bytes(8).loadUnaligned(as: UInt64.self).littleEndian
    }

    private mutating func string() throws(RuntimeError) -> String {
        let n = try u64()
        guard n <= UInt64(data.count - offset) else { throw fail("a string claims \(n) bytes, past the end of the file") }
        return String(decoding: try bytes(Int(n)), as: UTF8.self)
    }

    /// Skips one value; returns a printable form for scalars and strings (arrays: their length).
    private mutating func skipValue(type: UInt32, key: String) throws(RuntimeError) -> String {
        let fixed: [UInt32: Int] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]
        if let size = fixed[type] {
            let raw = try bytes(size)
            return {
                switch type {
                case 0: "\(raw.load(as: UInt8.self))"
                case 1: "\(raw.load(as: Int8.self))"
                case 2: "\(raw.loadUnaligned(as: UInt16.self))"
                case 3: "\(raw.loadUnaligned(as: Int16.self))"
                case 4: "\(raw.loadUnaligned(as: UInt32.self))"
                case 5: "\(raw.loadUnaligned(as: Int32.self))"
                case 6: "\(raw.loadUnaligned(as: Float.self))"
                case 7: raw.load(as: UInt8.self) != 0 ? "true" : "false"
                case 10: "\(raw.loadUnaligned(as: UInt64.self))"
                case 11: "\(raw.loadUnaligned(as: Int64.self))"
                default: "\(raw.loadUnaligned(as: Double.self))"
                }
            }()
        }
        switch type {
        case 8: return try string()
        case 9:
            let elementType = try u32()
            let count = try u64()
            guard count <= UInt64(data.count - offset) else { throw fail("a metadata array claims \(count) elements, past the end of the file") }
            if let size = fixed[elementType] {
                let (total, overflow) = count.multipliedReportingOverflow(by: UInt64(size))
                guard !overflow, total <= UInt64(data.count - offset) else { throw fail("a metadata array runs past the end of the file") }
                offset += Int(total)
            } else if elementType == 8 {
                let isVocabulary = key == "tokenizer.ggml.tokens"
                var seen = Set<[UInt8]>()
                for i in 0..<count {
                    let start = offset
                    let text = try string()
                    guard isVocabulary else { continue }
                    // llama.cpp reads tokens as C strings and renames empty ones, then asserts
                    // the token→id map is as large as the list: duplicates would abort it.
                    var raw = Array(data[(start + 8)..<offset])
                    if let nul = raw.firstIndex(of: 0) { raw = Array(raw[..<nul]) }
                    if raw.isEmpty { raw = Array("[EMPTY_\(i)]".utf8) }
                    guard seen.insert(raw).inserted else { throw fail("vocabulary token \(i) ('\(text.prefix(40))') is a duplicate") }
                }
            } else {
                throw fail("metadata array of unsupported type \(elementType)")
            }
            return "[\(count)]"
        default:
            throw fail("unknown metadata value type \(type)")
        }
    }
}
