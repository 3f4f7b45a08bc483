import Foundation
import Testing
import TandemClassifier

/// The heads on synthetic vectors with a known answer (no model needed).
struct VectorHeadTests {
    /// Three well-separated clusters in 16 dimensions, with deterministic noise.
    static func clusters(perClass: Int) -> (vectors: [[Float]], classes: [Int]) {
        var state: UInt64 = 42
        func noise() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 1000) / 10_000
        }
        var vectors: [[Float]] = [], classes: [Int] = []
        for c in 0..<3 {
            for _ in 0..<perClass {
                var v = (0..<16).map { _ in noise() }
                v[c * 3] += 1
                vectors.append(v); classes.append(c)
            }
        }
        return (vectors, classes)
    }

    @Test func logisticHeadSeparatesClustersAndStopsEarly() {
        let (vectors, classes) = Self.clusters(perClass: 30)
        let space = EmbeddingSpace(fitting: vectors)
        let projected = vectors.map(space.project)
        var settings = LogisticHead.Settings()
        settings.maxEpochs = 400
        let head = LogisticHead(vectors: projected, classes: classes, classCount: 3, settings: settings)
        let predicted = projected.map { p in head.distribution(p).enumerated().max { $0.element < $1.element }!.offset }
        #expect(predicted == classes)
        #expect(head.epochs < 400, "early stopping should keep an earlier epoch, kept \(head.epochs)")
    }

    @Test func centroidAndNeighboursAgreeOnClusters() {
        let (vectors, classes) = Self.clusters(perClass: 10)
        let space = EmbeddingSpace(fitting: vectors)
        let projected = vectors.map(space.project)
        let knn = NearestNeighbourHead(vectors: projected, classes: classes, classCount: 3, k: 5)
        let centroid = CentroidHead(vectors: projected, classes: classes, classCount: 3)
        let probe = space.project([0, 0, 0, 1.1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(knn.distribution(probe)[1] > 0.9)
        #expect(centroid.distribution(probe)[1] > 0.5)
        #expect(abs(knn.distribution(probe).reduce(0, +) - 1) < 1e-9)
    }

    @Test func foldsAreStratifiedAndCoverEveryRow() {
        let classes = (0..<50).map { $0 % 5 } + [5]
        let folds = OutOfFoldPredictions.assignFolds(classes: classes, count: 5)
        for c in 0..<5 {
            let perFold = (0..<5).map { f in classes.indices.filter { classes[$0] == c && folds[$0] == f }.count }
            #expect(perFold == [2, 2, 2, 2, 2])
        }
        #expect(folds.count == classes.count)
    }

    @Test func ensembleDropsAMethodThatOnlyAddsNoise() {
        let truth = (0..<40).map { $0 % 2 }
        let good = truth.map { $0 == 0 ? [0.8, 0.2] : [0.3, 0.7] }
        let wrong = truth.map { $0 == 0 ? [0.1, 0.9] : [0.9, 0.1] }
        let weights = EnsembleFit.fitWeights([.linear: good, .zeroShot: wrong], truth: truth, rows: Array(truth.indices))
        #expect(weights[.zeroShot] == nil)
        #expect((weights[.linear] ?? 0) > 0)
    }

    @Test func methodListParsesAndRejectsUnknownNames() throws {
        #expect(try ClassifierMethod.parseList("linear,knn,linear") == [.nearestNeighbours, .linear])
        #expect(throws: ClassifierError.self) { try ClassifierMethod.parseList("knn,svm") }
    }
}
