/// The version `tandem --version` prints.
enum TandemVersion {
    static let string = "0.1.0"
}
