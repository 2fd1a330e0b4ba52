//! The presets as the page names and describes them, by preset name. The English description
//! is the engine's own (`Scenario::description`); the page carries titles in both languages
//! and the Traditional Chinese description.

use super::Lang;

/// A preset's page text.
struct PresetText {
    name: &'static str,
    title_en: &'static str,
    title_zh_tw: &'static str,
    description_zh_tw: &'static str,
}

const PRESET_TEXTS: &[PresetText] = &[
    PresetText {
        name: "quickstart",
        title_en: "Quick start",
        title_zh_tw: "快速入門",
        description_zh_tw: "兩個生產者把帶有鍵的訂單寫進四個分區；由兩個消費者組成的群組拉取這些訊息。\
            可以看到偏移量持續增加，落後量則一直接近零。",
    },
    PresetText {
        name: "peak-shaving",
        title_en: "Peak shaving",
        title_zh_tw: "削峰填谷",
        description_zh_tw: "促銷活動讓流量暴增為十倍，持續 5 秒。訊息佇列吸收了這波尖峰（削峰）：\
            落後量先攀升，再由穩定的消費者依自己的步調慢慢消化。",
    },
    PresetText {
        name: "log-collection",
        title_en: "Log collection and monitoring",
        title_zh_tw: "日誌收集和監控",
        description_zh_tw: "五個服務把日誌送進同一個集中的主題。快速的警報群組即時跟上；\
            較慢的封存群組稍後才讀到同樣的訊息：兩個群組都會收到每一筆訊息。",
    },
    PresetText {
        name: "realtime-analytics",
        title_en: "Real-time processing and analytics",
        title_zh_tw: "即時資料處理和分析",
        description_zh_tw: "以使用者為鍵的點擊和交易，送進一個串流處理群組。點擊量依每日曲線起伏；\
            只要處理能力足夠，延遲就維持在低點。",
    },
    PresetText {
        name: "p2p-vs-pubsub",
        title_en: "Point-to-point vs publish/subscribe",
        title_zh_tw: "點對點模式與發布／訂閱模式",
        description_zh_tw: "點對點模式：workers 群組分攤這些訊息，每筆只由一個成員處理。\
            發布／訂閱模式：audit 和 analytics 兩個群組各自收到每一筆訊息。",
    },
    PresetText {
        name: "consumer-crash-rebalance",
        title_en: "Consumer crash and rebalance",
        title_zh_tw: "消費者當機與重新平衡",
        description_zh_tw: "一個消費者在第 6 秒當機。它負責的分區要等到工作階段逾時（session timeout），\
            接著重新平衡把分區交給其他成員，它還沒提交的訊息會再被處理一次。",
    },
    PresetText {
        name: "hot-key-skew",
        title_en: "Hot key skew",
        title_zh_tw: "熱點鍵造成負載不均",
        description_zh_tw: "鍵的分布遵循 Zipf 定律：一個熱點鍵把大部分流量送進同一個分區，\
            負責它的消費者越來越落後，其他消費者卻閒著。",
    },
    PresetText {
        name: "broker-failure-acks",
        title_en: "Broker failure and acks",
        title_zh_tw: "Broker 故障與 acks",
        description_zh_tw: "三台 Broker（代理節點），每個分區在三台上都有副本。Broker 0 在第 5 秒當機：\
            它的分區選出新的領導者，追隨者還沒複製到的 acks=1 寫入因此遺失，acks=all 的寫入則都還在。\
            acks=1 的生產者不是冪等的：它重送的批次會在後來的批次之後才寫入，順序因此錯亂。\
            等 Broker 1 也停止運作，同步副本數低於 min.insync.replicas，acks=all 的寫入就停住了。",
    },
    PresetText {
        name: "slow-subscriber-push-vs-pull",
        title_en: "Slow subscriber: push vs pull",
        title_zh_tw: "慢速訂閱者：推播與拉取",
        description_zh_tw: "價格行情一波一波地湧入。推播式 Broker（不是 Kafka：Kafka 的消費者一律是拉取）\
            把行情送給每個訂閱者：快速的儀表板在兩波之間閒著。慢速的手機則呈現真實的推播系統如何對待慢速訂閱者：\
            不預取的 RabbitMQ 在用戶端緩衝，直到記憶體耗盡而當機，它未確認的訊息轉給另一個消費者；\
            Redis Pub/Sub 會中斷它的連線，這段期間發布的訊息它都會錯過；MQTT QoS 0 則丟棄佇列放不下的訊息。\
            設了預取視窗時，多出來的訊息先留在 Broker。拉取群組依自己的步調讀取。",
    },
    PresetText {
        name: "share-group-queue",
        title_en: "Share group as a queue",
        title_zh_tw: "共享群組當作佇列",
        description_zh_tw: "共享群組就是一個佇列：七個工作者共用兩個分區，每件工作只交給一個工作者。\
            失敗的工作會被釋放並重新投遞；試了三次仍失敗就封存。工作者 6 處理一件工作要 3 秒，比 2 秒的鎖還長：\
            每次鎖都在它處理時逾時，另一個工作者也拿到這件工作（處理了兩次），工作者 6 遲來的確認則被拒絕。\
            工作者 2 在第 8 秒當機，它鎖定的工作要等鎖逾時才會回到佇列。傳統的消費者群組六個成員中只用得到兩個。",
    },
    PresetText {
        name: "wide-topic",
        title_en: "Wide topic: 1024 partitions",
        title_zh_tw: "大型主題：1024 個分區",
        description_zh_tw: "1024 個分區多到無法逐一畫出：模擬畫面把它們畫成單一條帶，每個分區占一列像素，長條越長代表落後量越大。\
            鍵平均分散；一個 64 名成員的群組跟得上，另一個 16 名成員的群組則逐漸落後。",
    },
    PresetText {
        name: "stress",
        title_en: "Stress: a million records per second",
        title_zh_tw: "壓力測試：每秒一百萬筆訊息",
        description_zh_tw: "每秒一百萬筆訊息：16 個生產者寫進 3 台 Broker 上的 64 個分區，複製因子為 3，\
            由兩個各有 32 個消費者的群組讀取。兩個群組的設定相同，所以數字一樣：每個群組都讀取每一筆訊息。流量以彙總方式繪製。",
    },
    PresetText {
        name: "spike-beyond-capacity",
        title_en: "Spike beyond capacity",
        title_zh_tw: "超出容量的流量高峰",
        description_zh_tw: "比叢集還大的促銷活動：三台 Broker 各只有一條請求處理執行緒（num.io.threads），\
            每寫入 1 KB 要花 0.75 毫秒，所以每台每秒約能處理 1.3 MB，整個叢集約 4 MB 的訂單。\
            從第 5 秒起商店每秒送出 8 MB，持續 15 秒：每台 Broker 的請求佇列都塞滿 5 個位置（queued.max.requests），\
            網路執行緒停止讀取，生產延遲攀升，生產者 8 MB 的緩衝區約 2 秒就滿了，send() 被擋住；\
            3 秒後（max.block.ms）傳送開始失敗。試試增加 Broker 或執行緒。",
    },
    PresetText {
        name: "hot-partition",
        title_en: "Hot partition",
        title_zh_tw: "熱點分區",
        description_zh_tw: "偏斜的鍵讓一台 Broker 飽和，其他幾台卻閒著：光是最熱門的鍵就把 60% 的流量送進同一個分區，\
            它的 Broker 每秒只能讀取 4 MB，卻收到約 4.5 MB，其他 Broker 各約 1 MB。請求在那裡等著被讀取，\
            生產延遲攀升；生產者只有一個緩衝區，被那台 Broker 的批次塞滿，所以每個分區的 send() 都被擋住，\
            連閒置 Broker 的分區也一樣，超過 max.block.ms 後傳送失敗。",
    },
    PresetText {
        name: "production",
        title_en: "Production-size cluster",
        title_zh_tw: "正式環境規模的叢集",
        description_zh_tw: "正式環境規模的叢集：64 台 Broker 採用 Kafka 預設的請求處理設定（8 條 num.io.threads、\
            500 個 queued.max.requests），網路為 10 Gbit/s；四個主題各有 4096 個分區（共 16,384 個，複製因子為 3），\
            128 個生產者每秒送出一千萬筆 500 位元組的訊息，每個主題由一個 256 個消費者的群組讀取，\
            每個成員的處理能力都是它分到的流量的兩倍。分區多到無法一個一個畫出來：\
            模擬畫面改用熱度圖顯示每台 Broker 的負載和每個主題的分區。保留時間為 10 秒，讓日誌保持精簡。",
    },
];

fn text_of(name: &str) -> Option<&'static PresetText> {
    PRESET_TEXTS.iter().find(|p| p.name == name)
}

/// The title the preset menu shows for preset `name` (the name itself if it has none).
pub fn preset_title(name: &str, lang: Lang) -> &str {
    match (text_of(name), lang) {
        (Some(p), Lang::En) => p.title_en,
        (Some(p), Lang::ZhTw) => p.title_zh_tw,
        (None, _) => name,
    }
}

/// The page's description of preset `name` in `lang`, if it has its own (in English the
/// engine's description is shown).
pub fn preset_description(name: &str, lang: Lang) -> Option<&'static str> {
    match lang {
        Lang::En => None,
        Lang::ZhTw => text_of(name).map(|p| p.description_zh_tw),
    }
}

/// The English each zh-TW description was translated from, word for word. When the engine's
/// description changes, a test fails here until the translation follows.
#[cfg(test)]
pub(super) const TRANSLATED_FROM: &[(&str, &str)] = &[
    ("quickstart", "Two producers write keyed orders into four partitions; a group of two consumers pulls them. Watch offsets grow and lag stay near zero."),
    ("peak-shaving", "A promotion multiplies traffic tenfold for 5 seconds. The queue absorbs the burst: lag climbs, then the steady consumers drain it at their own pace."),
    ("log-collection", "Five services ship logs into one hub topic. A fast alerting group keeps up in real time; a slow archiving group reads the same records later: both get every record."),
    ("realtime-analytics", "Clicks and transactions, keyed by user, feed a stream-processing group. The click rate follows a daily curve; latency stays low while capacity holds."),
    ("p2p-vs-pubsub", "Point-to-point: the workers group splits the records, each processed by one member. Publish/subscribe: the audit and analytics groups each receive every record."),
    ("consumer-crash-rebalance", "A consumer crashes at 6 s. Its partitions wait for the session timeout, then a rebalance hands them on and the records it had not committed are processed again."),
    ("hot-key-skew", "Keys follow a Zipf law: one hot key sends a large share of traffic to one partition, whose consumer falls behind while the others idle."),
    ("broker-failure-acks", "Three brokers, every partition on all three. Broker 0 crashes at 5 s: its partitions elect new leaders, and acks=1 writes the followers had not copied are lost while acks=all writes survive. The acks=1 producer is not idempotent: its resends land after later batches, out of order. When broker 1 also dies, acks=all stalls below min.insync.replicas."),
    ("slow-subscriber-push-vs-pull", "Price ticks arrive in bursts. A push broker (not Kafka: Kafka consumers always pull) sends them to every subscriber: the fast dashboard sits idle between bursts. The slow phones show what real push systems do to a slow subscriber: RabbitMQ without prefetch buffers in the client until its memory runs out and it dies, its unacknowledged messages going to the other consumer; Redis Pub/Sub disconnects it and it misses what is published meanwhile; MQTT QoS 0 drops what does not fit its queue. With a prefetch window the broker holds the excess. The pull group reads at its own pace."),
    ("share-group-queue", "A share group is a queue: seven workers share two partitions and each job goes to one worker. Failed jobs are released and redelivered; after three tries a job is archived. Worker 6 takes 3 s a job, longer than the 2 s lock: each lock expires while it works, another worker takes the job too (processed twice) and worker 6's late acknowledgement is refused. Worker 2 crashes at 8 s and its locked jobs return after the lock times out. The classic consumer group can use only two of its six members."),
    ("wide-topic", "1024 partitions are too many to draw one by one: the stage draws them as one strip, a pixel row each, where a longer bar means more lag. Keys spread evenly; one group of 64 members keeps up, another of 16 falls behind."),
    ("stress", "A million records per second: 16 producers into 64 partitions on 3 brokers with replication factor 3, read by two groups of 32 consumers. The two groups are alike, so their figures match: each reads every record. Traffic is drawn aggregated."),
    ("spike-beyond-capacity", "A promotion larger than the cluster: each of three brokers has one request handler thread (num.io.threads) that takes 0.75 ms per KB it appends, so each handles about 1.3 MB/s and the cluster about 4 MB/s of orders. From 5 s the shop sends 8 MB/s for 15 seconds: every broker's request queue fills to its 5 places (queued.max.requests) and the network threads stop reading, produce latency climbs, the producer's 8 MB buffer fills in about 2 s and send() blocks; 3 s later (max.block.ms) sends fail. Try more brokers or more threads."),
    ("hot-partition", "Skewed keys saturate one broker while the others idle: the hottest key alone sends 60% of the traffic to one partition, and its broker, which reads 4 MB/s, gets about 4.5 MB/s while the others get about 1 MB/s. Requests wait to be read there and produce latency climbs; the producer's one buffer fills with that broker's batches, so send() blocks for every partition, the idle brokers' too, and after max.block.ms sends fail."),
    ("production", "A production-size cluster: 64 brokers with Kafka's default request handling (8 num.io.threads, 500 queued.max.requests) on 10 Gbit/s links, four topics of 4096 partitions each (16,384 in all, replication factor 3), 128 producers sending 10 million records per second of 500 bytes, and one group of 256 consumers per topic, each member with room for twice its share. Too many partitions to draw one by one: the stage shows each broker's load and each topic's partitions as heat maps. Retention is 10 s so the logs stay small."),
];
