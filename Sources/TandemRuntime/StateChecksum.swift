import Foundation

/// A fast 64-bit checksum for saved KV state files. Not cryptographic: it catches truncation
/// and corruption, while hashing tens of megabytes in milliseconds so restoring a prefix stays
/// far cheaper than decoding it again.
enum StateChecksum {
    static func of(fileAt path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        defer { try? handle.close() }
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        var length: UInt64 = 0
        while let chunk = try handle.read(upToCount: 8 << 20), !chunk.isEmpty {
            length += UInt64(chunk.count)
            chunk.withUnsafeBytes { raw in
                let words = raw.count / 8
                for i in 0..<words {
                    h = mix(h ^ raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
                }
                var tail: UInt64 = 0
                for i in (words * 8)..<raw.count { tail = tail << 8 | UInt64(raw[i]) }
                h = mix(h ^ tail ^ UInt64(raw.count - words * 8))
            }
        }
        return String(mix(h ^ length), radix: 16)
    }

    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 31)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 29)
    }
}
