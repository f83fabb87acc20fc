/// Pages whose texts differ from one another enough that dedup keeps them apart: sentences of words
/// drawn by a generator seeded with the page's index.
public enum DistinctPages {
    static let words = ["小红书", "闲鱼", "抖音", "直播", "选品", "定价", "客服", "上新", "复盘", "社群", "私域", "海报",
                        "接单", "文案", "剪辑", "拍摄", "物流", "退货", "评价", "引流", "转化", "复购", "成本", "利润"]

    public static func text(_ index: Int, sentences: Int = 24) -> String {
        var state = UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
        var text = ""
        for _ in 0..<sentences {
            for _ in 0..<6 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text += words[Int(state >> 33) % words.count]
            }
            text += "。"
        }
        return text
    }

    public static func html(_ index: Int, title: String? = nil) -> String {
        "<html><head><title>\(title ?? "副业笔记 \(index)")</title></head><body><article><p>\(text(index))</p></article></body></html>"
    }
}
