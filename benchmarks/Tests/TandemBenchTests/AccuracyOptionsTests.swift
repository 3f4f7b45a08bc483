import Testing
import TandemBench
import TandemClassifier

/// The accuracy suite's options as `tandem-bench` parses them.
struct AccuracyOptionsTests {
    @Test func defaultsCrossValidateEveryMethod() throws {
        let o = try BenchCommandLine.accuracyOptions(["accuracy"])
        #expect(o.methods == [.model, .keyword, .taught])
        #expect(o.trainDirectory == nil)
        #expect(o.taught.folds == 5)
        #expect(o.taught.methods == [.nearestNeighbours, .centroid, .linear, .fewShot, .ensemble])
        #expect(o.taught.promptedRowLimit == 100)
        #expect(o.evaluation.contains("5-fold cross-validation"))
        #expect(o.teachRowLimit == nil)
        #expect(try BenchCommandLine.accuracyOptions(["--quick"]).teachRowLimit == 200)
        #expect(try BenchCommandLine.accuracyOptions(["--quick", "--teach-rows", "50"]).teachRowLimit == 50)
    }

    @Test func trainFolderAndMethodsAreRead() throws {
        let o = try BenchCommandLine.accuracyOptions([
            "accuracy", "--train", "/data/train", "--accuracy-methods=taught,keyword", "--taught-methods", "linear,knn",
            "--folds", "3", "--fewshot-rows", "all",
        ])
        #expect(o.trainDirectory == "/data/train")
        #expect(o.methods == [.keyword, .taught])  // always in suite order
        #expect(o.taught.methods == [.nearestNeighbours, .linear])
        #expect(o.taught.folds == 3)
        #expect(o.taught.promptedRowLimit == nil)
        #expect(o.evaluation.contains("/data/train"))
    }

    @Test func mistakesNameTheOption() {
        let cases: [([String], String)] = [
            (["--train"], "--train needs a value"),
            (["--accuracy-methods", "model,oracle"], "'oracle'"),
            (["--taught-methods", "knn,svm"], "--taught-methods"),
            (["--folds", "1"], "--folds"),
            (["--folds", "21"], "--folds"),
            (["--fewshot-rows", "0"], "--fewshot-rows"),
            (["--teach-rows", "5"], "--teach-rows"),
            (["--group-folds", "total"], "--group-folds"),
        ]
        for (arguments, expected) in cases {
            #expect {
                _ = try BenchCommandLine.accuracyOptions(arguments)
            } throws: { error in
                "\(error)".contains(expected)
            }
        }
    }

    @Test func groupFoldsNamesAReceiptField() throws {
        #expect(try BenchCommandLine.accuracyOptions(["accuracy"]).receiptFoldGroup == nil)
        let o = try BenchCommandLine.accuracyOptions(["accuracy", "--group-folds", "company"])
        #expect(o.receiptFoldGroup == "company")
        #expect(o.evaluation.contains("same company share a fold"))
    }

    @Test func groupedFoldsKeepEachLabelInOneFoldAndBalanceSizes() {
        let labels: [String?] = ["AEON CO. (M) BHD", "Shop B", "aeon co (m) bhd", nil, "SHOP  B", "C", "", "AEON CO (M) BHD", "D"]
        let folds = GroupedFolds.assign(labels: labels, folds: 3)
        #expect(folds.count == labels.count)
        #expect(Set([folds[0], folds[2], folds[7]]).count == 1)  // one shop however it is spelt
        #expect(folds[1] == folds[4])
        #expect(folds[0] == 0)  // the largest group goes first, to fold 0
        let sizes = (0..<3).map { f in folds.filter { $0 == f }.count }
        #expect(sizes.max()! - sizes.min()! <= 1, "sizes \(sizes)")
        #expect(GroupedFolds.assign(labels: labels, folds: 3) == folds)  // deterministic
    }
}
