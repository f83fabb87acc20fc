/// Frequent Chinese characters, simplified and traditional forms, for judging whether a decoding produced
/// real text. Bytes of one CJK charset read as another still decode, mostly without errors, but into rare
/// characters; the share of frequent characters tells the right reading from the wrong one.
enum CharsetCommonHanzi {
    /// One bit per code point of the CJK Unified Ideographs block (U+4E00–U+9FFF): a lookup per character
    /// without hashing, since every character of a page goes through it.
    private static let bits: [UInt64] = {
        var words = [UInt64](repeating: 0, count: Int(blockEnd - blockStart) / 64 + 1)
        for scalar in (simplified + traditional).unicodeScalars where (blockStart...blockEnd).contains(scalar.value) {
            let offset = Int(scalar.value - blockStart)
            words[offset / 64] |= 1 << UInt64(offset % 64)
        }
        return words
    }()

    private static let blockStart: UInt32 = 0x4E00
    private static let blockEnd: UInt32 = 0x9FFF

    static func contains(_ scalar: Unicode.Scalar) -> Bool {
        guard (blockStart...blockEnd).contains(scalar.value) else { return false }
        let offset = Int(scalar.value - blockStart)
        return bits[offset / 64] & (1 << UInt64(offset % 64)) != 0
    }

    private static let simplified = """
        的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家\
        种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民\
        第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话\
        合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神\
        总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则\
        听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候\
        带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵\
        连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片\
        史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房\
        半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批\
        群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚\
        独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福\
        纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修\
        皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒\
        岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误\
        湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损\
        忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授\
        诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖\
        丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞努休\
        虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅\
        振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵赚淘宝闲抖音钱网络
        """

    private static let traditional = """
        這個們來為國說時會過對後經進動現發還與開問關學長見從點當樣種頭實無體產業記邊應東車軍電話麼裡將兩間題員義達號門語\
        讓認識觀層帶條總機變數聽聲書張許隊戰務區華報場黨據導則強幾傳師興親計紙絕級給統結網線練絲組紅約紀終細緊續維類顯風\
        飛馬魚鳥齊龍萬專嚴豐麗舉樂習買亂爭於亞價眾優傷偉備僅儀億兒內冊寫農決況淨劃劇剛創劉務勝勞勢區協單賣衛卻廠縣參雙隻\
        葉吳聽啟響團園圍圖聖壞塊壓夢奪獎奧婦媽孫寧寶尋屆屬歲島幣帥幫廣彈歸錄徑復徵態戀戶戲擴揮損換擔擁擊攝敗斷舊晉暫極樹\
        標權楊歡歐歷殘殺氣漢滅滿濟熱爾獨獲環畫療盡監盤確禮稱積穩窮競筆節範築簡糧納純綠編聯職膽腦臉艦藝蘇藥蘭處虛術衝補製\
        複規視覺討訓論設訪證評試詩該詳誤請諸課談調謝議護讀貝負財貨貧責貴費貿資賓賞質賴贊趕趙軟轉輕載較輸辦運遠連遲適選遺\
        郵鄉鄭醫釋針鐵錢錯鎮閉閱陣陰陳陸陽際隨險隱雜雞離難靈靜頁頂項順須預領顧飯館驗騎髮鬥鮮鳴麥黃齒臺灣網絡
        """
}
