//! The catalogue: every page string as `Key = "English", "繁體中文";`. Placeholders `{0}`,
//! `{1}`... take figures and names (the same set in both languages; a test checks). Taiwanese
//! usage and the course's terms (see the tests for the words that must not appear).

macro_rules! catalogue {
    ($($(#[$doc:meta])* $key:ident = $en:literal, $zh:literal;)*) => {
        /// A string of the page (see the module's list for its text in each language).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg {
            $($(#[$doc])* #[allow(missing_docs)] $key,)*
        }

        const EN: &[&str] = &[$($en),*];
        const ZH_TW: &[&str] = &[$($zh),*];

        impl Msg {
            /// Every key, in catalogue order.
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];
        }
    };
}

impl Msg {
    /// The English text.
    pub fn en(self) -> &'static str {
        EN[self as usize]
    }

    /// The Traditional Chinese (Taiwan) text.
    pub fn zh_tw(self) -> &'static str {
        ZH_TW[self as usize]
    }
}

catalogue! {
    // The page around the stage.
    DocTitle = "Brook: a Kafka-style message queue, simulated live",
        "Brook：即時模擬的 Kafka 風格訊息佇列";
    Tagline = " a Kafka-style message queue, simulated live", " 即時模擬的 Kafka 風格訊息佇列";
    UrlIgnored = "Ignored URL parameters: {0}", "已忽略的網址參數：{0}";
    StageAria = "Producers on the left send record batches into partition logs in the centre; consumers on the right pull them.",
        "左側的生產者把訊息批次送進中間的分區日誌；右側的消費者再從中拉取訊息。";
    ChartsAria = "Charts over the last minute: inflow against outflow with the backlog, lag per reader, latency percentiles, and faults. Hover for values.",
        "最近一分鐘的圖表：流入與流出對照積壓量、各讀取端的落後量、延遲百分位數，以及異常。將滑鼠移到圖表上可查看數值。";

    // Controls.
    ControlsAria = "Simulation controls", "模擬控制";
    Play = "Play", "播放";
    Pause = "Pause", "暫停";
    PlayTitle = "Play or pause (space)", "播放或暫停（空白鍵）";
    Step = "Step", "單步";
    StepTitle = "Advance 100 virtual ms (right arrow)", "模擬時間前進 100 毫秒（右方向鍵）";
    Speed = "Speed", "速度";
    Preset = "Preset", "預設情境";
    Imported = "imported: {0}", "已匯入：{0}";
    Seed = "Seed", "隨機種子";
    Reset = "Reset", "重設";
    ResetTitle = "Restart with this preset and seed (r)", "以目前的預設情境和隨機種子重新開始（r）";
    SeedError = "seed: \"{0}\" is not a whole number from 0 to {1}",
        "seed：「{0}」不是 0 到 {1} 之間的整數";

    // URL parameters.
    UrlNotOneOf = "{0}: \"{1}\" is not one of {2}", "{0}：「{1}」不是可用的值（可用：{2}）";
    UrlSeconds = "seconds: \"{0}\" must be a whole number from 1 to {1}",
        "seconds：「{0}」必須是 1 到 {1} 之間的整數";
    UrlPlay = "play: \"{0}\" must be 0 or 1", "play：「{0}」必須是 0 或 1";
    UrlSpeed = "speed: \"{0}\" must be a number from {1} to {2}", "speed：「{0}」必須是 {1} 到 {2} 之間的數字";
    UrlLang = "lang: \"{0}\" is not one of en, zh-TW; the page is in English",
        "lang：「{0}」不是 en 或 zh-TW；頁面改以英文顯示";
    UrlUnknown = "{0}: unknown parameter (known: preset, seed, play, bench, seconds, lang, lesson, step, embed)",
        "{0}：無法辨識的參數（可用：preset、seed、play、bench、seconds、lang、lesson、step、embed）";

    // Live figures.
    CountersAria = "Live figures", "即時指標";
    VirtualTime = "Virtual time", "模擬時間";
    VirtualTimeHint = "Simulated seconds since the start", "從開始到現在經過的模擬時間（秒）";
    Seconds = "{0} s", "{0} 秒";
    Produced = "Produced", "已生產";
    ProducedHint = "Records handed to producers' send()", "交給生產者 send() 的訊息數";
    Consumed = "Consumed", "已消費";
    ConsumedHint = "Records processed by all groups", "所有群組處理完成的訊息數";
    Lag = "Lag", "落後量";
    LagHint = "High watermark minus committed offset, summed over partitions and groups",
        "高水位減去已提交的偏移量，所有分區和群組的總和";
    Latency = "Latency p50 / p99", "延遲 p50 / p99";
    LatencyHint = "Time from record creation to processed", "訊息從建立到處理完成的時間";
    Faults = "Duplicates / lost / dropped", "重複 / 遺失 / 丟棄";
    FaultsHint = "Processed twice / lost, all causes (truncated by a new leader, on the wire to a crashed leader, committed before processing, deleted unread, dropped or missed by a push system) / dropped: sends the producer was told failed",
        "處理了兩次 / 遺失，各種原因合計（被新領導者截斷、在傳往當機領導者的途中、處理前已提交、未讀就被刪除、推播系統丟棄或漏送）/ 丟棄：生產者被告知傳送失敗的訊息";
    ColReader = "Reader", "讀取端";
    ColKind = "Kind", "類型";
    ColMembers = "Members", "成員";
    RebalancingSuffix = " (rebalancing)", "（重新平衡中）";
    IdleSuffix = " ({0} idle)", "（{0} 個閒置）";

    // The actions bar.
    ActionsAria = "Change the running system", "變更執行中的系統";
    Consumers = "Consumers", "消費者";
    Group = "Group", "群組";
    AddConsumer = "Add consumer", "新增消費者";
    RemoveConsumer = "Remove consumer", "移除消費者";
    Member = "Member", "成員";
    Crash = "Crash", "模擬當機";
    Restart = "Restart", "重新啟動";
    Producers = "Producers", "生產者";
    Producer = "Producer", "生產者";
    AddProducer = "Add producer", "新增生產者";
    AddProducerTitle = "A copy of the selected producer", "複製所選的生產者";
    RemoveProducer = "Remove producer", "移除生產者";
    RemoveProducerTitle = "Close the selected producer: it sends what it holds, then stops; its records stay in the logs",
        "關閉所選的生產者：它會先送出手上的訊息再停止；已寫入的訊息仍留在日誌中";
    ReadersLegend = "Readers: switch the delivery model", "讀取端：切換傳遞模式";
    AddA = "Add a", "新增";
    AddReader = "Add reader", "新增讀取端";
    Reader = "Reader", "讀取端";
    RemoveReader = "Remove reader", "移除讀取端";
    Cluster = "Cluster", "叢集";
    Broker = "Broker", "Broker（代理節點）";
    CrashBroker = "Crash broker", "讓 Broker 當機";
    RestartBroker = "Restart broker", "重新啟動 Broker";
    AddPartition = "Add a partition", "新增分區";
    AddBroker = "Add broker", "新增 Broker";
    AddBrokerTitle = "An empty broker joins; partitions added later use it",
        "加入一台空的 Broker；之後新增的分區會用到它";
    Balance = "Balance replicas", "平衡副本";
    BalanceTitle = "Move replicas from the busiest brokers to the idlest until each holds within one of the others",
        "把副本從最忙的 Broker 搬到最閒的 Broker，直到每台的副本數最多只差一個";
    RemoveBrokerN = "Remove broker {0}", "移除 Broker {0}";
    RemoveBrokerTitle = "The highest-numbered broker leaves: its replicas first move to the brokers with the fewest, copy the log, and join the ISR; then leadership moves and it goes",
        "編號最大的 Broker 離開：它的副本先搬到副本最少的 Broker，複製完日誌並加入 ISR；接著交出領導權，最後才離開";

    // Reader kinds.
    KindGroup = "consumer group (pull)", "消費者群組（拉取）";
    KindShare = "share group (queue)", "共享群組（佇列）";
    KindPush = "push subscription (not Kafka)", "推播訂閱（非 Kafka）";
    KindNewRabbitPrefetch = "push (not Kafka): RabbitMQ, prefetch 100",
        "推播（非 Kafka）：RabbitMQ，預取 100";
    KindNewRabbit = "push (not Kafka): RabbitMQ, no prefetch", "推播（非 Kafka）：RabbitMQ，不預取";
    KindNewRedis = "push (not Kafka): Redis Pub/Sub", "推播（非 Kafka）：Redis Pub/Sub";
    KindNewMqtt = "push (not Kafka): MQTT QoS 0", "推播（非 Kafka）：MQTT QoS 0";
    KindShortPull = "pull", "拉取";
    KindShortQueue = "queue", "佇列";
    KindShortPush = "push, not Kafka", "推播，非 Kafka";
    FromStart = "from", "起始位置";
    StartLatest = "latest (Kafka's default): only new records", "latest（Kafka 預設）：只讀新訊息";
    StartEarliest = "earliest: every retained record", "earliest：讀取所有保留中的訊息";

    // Push subscriptions: push brokers shown for comparison.
    PushIsNotKafka = "a push broker shown for comparison; Kafka consumers always pull",
        "用來對照的推播式 Broker；Kafka 的消費者一律採用拉取";
    PushRabbitPrefetch = "RabbitMQ-style, prefetch {0}", "仿 RabbitMQ，預取 {0}";
    PushRabbitNoPrefetch = "RabbitMQ-style, no prefetch", "仿 RabbitMQ，不預取";
    PushRedis = "Redis Pub/Sub-style", "仿 Redis Pub/Sub";
    PushMqtt = "MQTT QoS 0-style", "仿 MQTT QoS 0";
    PushRabbitPrefetchExplained = "at most the prefetch count (basic.qos) unacknowledged per consumer; the broker keeps the rest in the queue",
        "每個消費者最多只有預取數量（basic.qos）的未確認訊息；其餘的由 Broker 留在佇列中";
    PushRabbitNoPrefetchExplained = "the broker sends everything and the client buffers it; past its memory limit it dies, and the broker requeues its unacknowledged messages to the other consumers",
        "Broker 把訊息全部送出，由用戶端緩衝；超過記憶體上限時用戶端當機，Broker 把它未確認的訊息重新排入佇列，交給其他消費者";
    PushRedisExplained = "unread messages wait in the server's output buffer; past client-output-buffer-limit the server disconnects the subscriber, which misses what is published until it subscribes again",
        "未讀的訊息在伺服器的輸出緩衝區中等待；超過 client-output-buffer-limit 時伺服器會中斷訂閱者的連線，在它重新訂閱之前發布的訊息都會錯過";
    PushMqttExplained = "messages beyond the client's queue (max_queued_messages) are dropped",
        "超出用戶端佇列（max_queued_messages）的訊息會被丟棄";
    PushCrashed = "{0} crashed, {1} requeued", "當機 {0} 次，重新排入佇列 {1} 筆";
    PushCrashedShort = "{0} crashed, {1} requeued", "當機 {0} 次，重回佇列 {1} 筆";
    PushDisconnected = "{0} disconnected, {1} missed", "斷線 {0} 次，錯過 {1} 筆";
    PushDropped = "{0} dropped", "丟棄 {0} 筆";

    // Display options, import and export.
    ColourBy = "Log cells coloured by", "日誌方格的著色依據";
    ByProducer = "producer", "生產者";
    ByKey = "key (the batch's most frequent key; grey: no key)", "訊息鍵（批次中最常出現的鍵；灰色：沒有鍵）";
    LagPerPartitionOf = "Lag per partition of", "顯示各分區落後量的群組";
    Import = "Import scenario", "匯入情境";
    Export = "Export scenario", "匯出情境";
    ImportTooBig = "{0}: {1} bytes exceeds the limit of {2} bytes; the current scenario is kept",
        "{0}：{1} 位元組超過上限 {2} 位元組；目前的情境保持不變";
    ImportInvalid = "{0}: {1}{2}; the current scenario is kept", "{0}：{1}{2}；目前的情境保持不變";
    ImportMore = " (and {0} more)", "（另有 {0} 項）";

    // The inspector and its form.
    InspectorAria = "Inspector", "檢視面板";
    CloseInspector = "Close the inspector", "關閉檢視面板";
    ActionsOnThis = "Actions on this", "可對它進行的操作";
    Apply = "Apply on the next step", "在下一步套用";
    Applied = "Applied.", "已套用。";
    FieldRateProfile = "rate profile", "速率曲線";
    FieldKeys = "keys", "訊息鍵";
    AcksNone = "0: no wait", "0：不等待";
    AcksLeader = "1: leader", "1：領導者";
    AcksAll = "all: in-sync replicas", "all：所有同步副本";
    FieldBatch = "batch.size, bytes", "batch.size，位元組";
    FieldBuffer = "buffer.memory, bytes", "buffer.memory，位元組";
    FieldProcessing = "processing time per record, us", "每筆訊息的處理時間，微秒";
    FieldCommit = "commit", "偏移量提交方式";
    CommitAuto = "auto-commit", "自動提交";
    CommitAfter = "after processing", "處理完才提交";
    CommitBefore = "before processing", "處理前就提交";
    FieldAssignor = "assignor and so the rebalance protocol (cooperative-sticky: cooperative, others: eager); from the next rebalance",
        "分配器（assignor），也決定重新平衡協定（cooperative-sticky 為合作式，其他為積極式）；下次重新平衡起生效";
    FieldPrefetch = "prefetch (basic.qos) per consumer, records (0: no limit)",
        "每個消費者的預取筆數（basic.qos；0：不限制）";
    FieldRetentionBytes = "retention.bytes per partition", "retention.bytes，每個分區";
    ProfConstant = "constant", "固定";
    ProfPoisson = "Poisson (random arrivals)", "Poisson（隨機到達）";
    ProfStep = "step (one spike)", "階梯（一次尖峰）";
    ProfBursts = "bursts (every period)", "突發（每個週期一次）";
    ProfSine = "sine (daily curve)", "正弦（每日曲線）";
    ProfRamp = "ramp", "斜坡";
    ProfPiecewise = "piecewise (edit in a scenario file)", "分段（請在情境檔中編輯）";
    KeysNone = "none (keyless)", "無（不帶鍵）";
    KeysUniform = "uniform", "均勻";
    KeysZipf = "Zipf (hot keys)", "Zipf（熱點鍵）";
    DescConstant = "constant {0}/s", "固定 {0}／秒";
    DescPoisson = "Poisson, mean {0}/s", "Poisson，平均 {0}／秒";
    DescStep = "{0}/s, {1}/s from {2} s for {3} s", "{0}／秒，從第 {2} 秒起 {1}／秒，持續 {3} 秒";
    DescBursts = "{0}/s, bursts of {1}/s for {2} s every {3} s",
        "{0}／秒，每 {3} 秒突發 {1}／秒，持續 {2} 秒";
    DescSine = "sine {0}/s \u{00b1} {1}/s, period {2} s", "正弦 {0}／秒 \u{00b1} {1}／秒，週期 {2} 秒";
    DescRamp = "ramp {0}/s to {1}/s from {2} s over {3} s",
        "斜坡：從第 {2} 秒起，{3} 秒內由 {0}／秒 變為 {1}／秒";
    DescPiecewise = "piecewise, {0} points", "分段，{0} 個點";
    KeysCountUniform = "{0} keys, uniform", "{0} 個鍵，均勻";
    KeysCountZipf = "{0} keys, Zipf s={1}", "{0} 個鍵，Zipf s={1}";
    UnitPerSec = "{0}, records/s", "{0}，筆／秒";
    UnitStartMs = "{0}, virtual ms from the start", "{0}，從開始起算的模擬時間（毫秒）";
    KeyCount = "keys: count", "訊息鍵的數量";
    KeyExponent = "keys: Zipf exponent", "訊息鍵的 Zipf 指數";
    NotANumber = "{0}: \"{1}\" is not a valid number", "{0}：「{1}」不是有效的數字";
    ValueNeeded = "{0}: a value is needed", "{0}：請填入數值";

    // Inspector figures: brokers.
    BrokerTitle = "Broker {0}", "Broker {0}（代理節點）";
    BrokerUpLeaving = "up, leaving: its replicas are moving to other brokers",
        "運作中，正在離開：它的副本正搬往其他 Broker";
    BrokerUp = "up", "運作中";
    BrokerDownUnnoticed = "down, not yet noticed by the controller", "當機，控制器（controller）尚未察覺";
    BrokerDown = "down; its leaderships moved", "當機；它領導的分區已改由其他副本擔任領導者";
    FigStatus = "status", "狀態";
    FigReplicasHosted = "replicas hosted", "存放的副本數";
    FigPartitionsLed = "partitions led", "擔任領導者的分區數";
    FigReplicasInSync = "replicas in sync", "同步中的副本數";
    FigCrashedAt = "crashed at, s", "當機時間，秒";
    CrashBrokerN = "Crash broker {0}", "讓 Broker {0} 當機";
    RestartBrokerN = "Restart broker {0}", "重新啟動 Broker {0}";

    // Inspector figures: producers.
    SpikeAction = "Spike: {0}/s for 5 s", "製造尖峰：每秒 {0} 筆，持續 5 秒";
    CloseIt = "Close it", "關閉這個生產者";
    ProducerTitle = "Producer {0}", "生產者 {0}";
    FigRateNow = "rate now, records/s", "目前速率，筆／秒";
    FigSent = "sent", "已送出";
    FigAcked = "acknowledged", "已確認";
    FigBufferUsed = "buffer used, bytes", "已用緩衝區，位元組";
    OfTotal = "{0} of {1}", "{0}（共 {1}）";
    FigBlocked = "blocked", "阻塞";
    YesBufferFull = "yes: buffer full", "是：緩衝區已滿";
    No = "no", "否";
    True = "true", "是";
    False = "false", "否";
    FigBlockedTime = "blocked time, ms", "阻塞時間，毫秒";
    FigQueuedInFlight = "batches queued / in flight", "排隊中 / 傳送中的批次";
    QueuedInFlight = "{0} / {1} (at most {2} per partition)", "{0} / {1}（每個分區最多 {2}）";
    FigWritten = "written to a log", "已寫入日誌";
    FigFailedSends = "failed sends", "傳送失敗筆數";
    FigTimedOutInFlight = "timed out in flight (delivery.timeout.ms)",
        "傳送中逾時（delivery.timeout.ms）";
    FigFailedYetWritten = "failed, yet written", "回報失敗卻已寫入";
    FigLostOnTheWire = "lost on the wire to a crashed leader (acks=0)",
        "在傳往當機領導者的途中遺失（acks=0）";
    FigOutOfOrder = "batches written out of order", "亂序寫入的批次";
    FigResent = "resent", "重送筆數";
    FigWrittenTwice = "written twice by resends", "因重送而重複寫入";
    FigIdempotent = "idempotent", "冪等";
    FigState = "state", "狀態";
    StateClosed = "closed", "已關閉";
    StateOpen = "open", "運作中";

    // Inspector figures: partitions.
    RoleLeaderLeaving = "leader, leaving", "領導者，離開中";
    RoleLeader = "leader", "領導者";
    RoleLeaving = "leaving", "離開中";
    RoleJoining = "joining: copying from the leader", "加入中：正從領導者複製";
    RoleInSync = "in sync", "已同步";
    RoleOutOfSync = "out of sync", "未同步";
    ReplicaLine = "broker {0} ({1}, end {2})", "Broker {0}（{1}，結尾偏移量 {2}）";
    FigLogStart = "log start offset", "日誌起始偏移量";
    FigHighWatermark = "high watermark", "高水位";
    FigLogEnd = "log end offset", "日誌結尾偏移量";
    FigSegments = "segments", "區段數";
    FigBytes = "bytes", "位元組";
    FigReplicas = "replicas", "副本";
    FigLeaderEpoch = "leader epoch", "領導者世代（leader epoch）";
    FigCommittedLag = "{0}: committed / lag", "{0}：已提交 / 落後量";
    AddPartitionTo = "Add a partition to {0}", "為 {0} 新增一個分區";
    PartitionTitle = "Partition {0}-{1}", "分區 {0}-{1}";

    // Inspector figures: readers and members.
    FigKind = "kind", "類型";
    FigLagRecords = "lag, records", "落後量，筆";
    FigMembers = "members", "成員";
    FigProcessed = "processed", "已處理";
    AddAConsumer = "Add a consumer", "新增一個消費者";
    MemberTitle = "{0} member #{1}", "{0} 的成員 #{1}";
    FigInbox = "inbox", "收件匣";
    InboxFull = "{0}% full", "已用 {0}%";
    FigPartitions = "partitions", "分區";
    NoneAssigned = "none", "無";
    RestartMemberN = "Restart member #{0}", "重新啟動成員 #{0}";
    CrashMemberN = "Crash member #{0}", "讓成員 #{0} 當機";
    ProtoCooperative = "cooperative: only moved partitions pause", "合作式：只有被移動的分區會暫停";
    ProtoEager = "eager: every member stops during a rebalance", "積極式：重新平衡期間所有成員都會停下";
    FigGeneration = "generation", "世代";
    FigRebalances = "rebalances", "重新平衡次數";
    FigProtocol = "rebalance protocol", "重新平衡協定";
    FigDuplicates = "duplicates processed", "重複處理筆數";
    FigRate = "rate, records/s", "速率，筆／秒";

    // Inspector figures: push subscriptions and their consumers.
    FigWhatItIs = "what it is", "這是什麼";
    FigPushModel = "push model", "推播模型";
    FigSlowSubscriber = "a slow subscriber", "遇到慢速訂閱者時";
    FigConsumers = "consumers", "消費者數";
    FigPrefetchPerConsumer = "prefetch (basic.qos), per consumer", "預取（basic.qos），每個消費者";
    FigClientMemory = "client memory, bytes", "用戶端記憶體，位元組";
    ValueMemoryNow = "{0} now (largest consumer) of {1}", "目前 {0}（取最大的消費者），上限 {1}";
    FigConsumerCrashes = "consumer crashes (out of memory)", "消費者當機次數（記憶體不足）";
    FigRequeuedToOthers = "requeued to other consumers", "重新排入佇列並交給其他消費者";
    FigRequeuedWaiting = "requeued, waiting for a consumer", "已重新排入佇列，等待消費者";
    FigRestartDelay = "restart delay, ms", "重新啟動延遲，毫秒";
    FigDisconnects = "disconnects", "斷線次數";
    FigLostWithBuffer = "lost with the output buffer", "隨輸出緩衝區一起遺失";
    FigMissedWhileDisconnected = "missed while disconnected", "斷線期間錯過";
    FigQueuedForClient = "queued for the client", "排隊等待送往用戶端";
    ValueQueuedOf = "{0} of {1} (max_queued_messages)", "{0}（上限 {1}，max_queued_messages）";
    FigOutputBuffer = "output buffer, bytes", "輸出緩衝區，位元組";
    ValueOutputBuffer = "{0} (hard limit {1}, soft {2} for {3} s)",
        "{0}（硬性上限 {1}；軟性上限 {2}，容許超過 {3} 秒）";
    FigOverSoftFor = "over the soft limit for", "超過軟性上限已持續";
    ValueDisconnectedUntil = "disconnected until {0}: missing what is published",
        "斷線到 {0}：這段期間發布的訊息都會錯過";
    ValueConnected = "connected", "已連線";
    FigConnection = "connection", "連線";
    ValueOfPrefetch = "{0} of prefetch {1}", "{0}（預取上限 {1}）";
    ValueNoPrefetchLimit = "{0} (no prefetch: no limit)", "{0}（不預取：沒有上限）";
    ValueOfLimit = "{0} of {1}", "{0}（上限 {1}）";
    FigUnacked = "unacknowledged", "未確認";
    FigCrashes = "crashes", "當機次數";
    FigReceivedRequeued = "received requeued from others", "收到其他消費者重新排入的訊息";
    ValueRestartsAt = "out of memory; restarts at {0}", "記憶體不足；於 {0} 重新啟動";
    FigQueued = "queued", "排隊中";

    // Inspector figures: auto.offset.reset and share groups' locks.
    FigSkippedByReset = "skipped by auto.offset.reset", "因 auto.offset.reset 而跳過";
    // Under the readers' table: why processed plus lag falls short of what was produced.
    NoteAwaitingLatest = "No fetch yet: {0}. They will start at the latest offset (auto.offset.reset=latest, Kafka's default): what is produced before their first fetch is never read, and until then their lag is 0.",
        "尚未拉取：{0}。它們會從最新的偏移量開始讀取（auto.offset.reset=latest，Kafka 的預設值）：第一次拉取之前生產的訊息，它們永遠不會讀到；在那之前，它們的落後量為 0。";
    NoteSkippedByReset = "{0}: a reader that starts at the latest offset (auto.offset.reset=latest, Kafka's default) never reads the records already in the log, so they count in neither Processed nor Lag.",
        "{0}：從最新的偏移量開始讀取的讀取端（auto.offset.reset=latest，Kafka 的預設值）永遠不會讀到日誌裡已有的訊息，所以這些訊息既不計入「已處理」，也不計入「落後量」。";
    NoteSkippedEach = "{0} skipped {1}", "{0} 跳過 {1} 筆";
    NoteBrokersSaturated = "Saturated brokers ({0}): produce requests wait there to be read. The queueing figures above are the readers' own: a low ρ means the consumers have room, not the cluster.",
        "滿載的 Broker（{0}）：生產請求在那裡等著被讀取。上方排隊模型的數字只反映讀取端：ρ 低代表消費者還有餘力，不代表整個叢集有餘力。";
    LatencyMsPair = "{0} / {1} ms", "{0} / {1} 毫秒";
    FigAccepted = "accepted", "已接受";
    FigProcessedTwiceLock = "processed twice (a lock expired)", "處理了兩次（鎖已逾時）";
    FigAcksRefused = "acknowledgements refused (lock expired)", "確認被拒（鎖已逾時）";
    FigLocksExpired = "locks expired", "鎖逾時次數";
    FigRedelivered = "redelivered", "重新投遞";
    FigArchived = "archived (delivery limit or rejected)", "已封存（達到投遞次數上限或被拒絕）";
    FigLockMs = "lock, ms", "鎖定時間，毫秒";
    FigDeliveryLimit = "delivery limit", "投遞次數上限";
    FigHolding = "holding", "持有中";
    FigHoldingPastLock = "holding past its lock", "鎖逾時後仍持有";
    FigSpeed = "speed", "處理速度";
    RateLater = "measured after a virtual second", "模擬時間經過 1 秒後開始量測";

    // What members are doing, and notes beside a reader's name.
    StProcessing = "processing", "處理中";
    StPolling = "polling", "輪詢中";
    StIdleNoPartition = "idle: no partition", "閒置：沒有分區";
    StRebalancing = "rebalancing", "重新平衡中";
    StCrashed = "crashed", "已當機";
    StAcquiring = "acquiring", "取得中";
    StIdlePush = "idle: waiting for a push", "閒置：等待推播";
    StPastLock = "processing past its lock", "處理中，已超過鎖定時間";
    StPastLockShort = "past its lock", "超過鎖定時間";
    StIdleShort = "idle", "閒置";
    StDisconnectedShort = "disconnected", "連線中斷";
    StQueueFullShort = "queue full", "佇列已滿";
    StBufferingShort = "buffering", "緩衝中";
    StOutOfMemory = "crashed: out of memory", "當機：記憶體不足";
    StDisconnected = "disconnected: missing messages", "連線中斷：正在錯過訊息";
    StQueueFull = "queue full: dropping", "佇列已滿：丟棄中";
    StOverSoftLimit = "over the soft buffer limit", "超過緩衝區的軟性上限";
    StBuffering = "buffering: memory filling", "緩衝中：記憶體逐漸填滿";
    NoteShare = "{0} redelivered, {1} archived", "重新投遞 {0}，封存 {1}";
    NoteShareShort = "{0} redelivered", "重新投遞 {0}";
    NoteShareTwiceShort = "{0} processed twice", "重複處理 {0}";
    NoteShareTwice = "{0} processed twice, {1} acks refused", "重複處理 {0}，確認被拒 {1}";

    // The stage.
    PartitionsOf = "Partitions of {0}", "{0} 的分區";
    Partitions = "Partitions", "分區";
    ReaderHeader = "{0}  lag {1}", "{0}  落後 {1}";
    MemberLag = "lag {0} \u{00b7} {1}", "落後 {0} \u{00b7} {1}";
    PerSec = "{0}/s", "{0}／秒";
    RecPerSec = "{0} rec/s", "{0} 筆／秒";
    RecPerSecWanted = "wants {0} rec/s", "想送 {0} 筆／秒";
    ProducerClosed = "closed; sent {0}", "已關閉；已送出 {0}";
    BlockedBufferFull = "blocked: buffer full", "阻塞：緩衝區已滿";
    BlockedShort = "blocked", "阻塞";
    Throttled = "throttled by quota", "受配額限流";
    FailedSendsN = "{0} failed sends", "{0} 筆傳送失敗";
    SentN = "sent {0}", "已送出 {0}";
    Offline = "offline: no in-sync replica alive", "離線：沒有存活的同步副本";
    HeatLong = "{0} partitions, a row each: bar = largest group lag, full width = {1} records",
        "{0} 個分區，每列一個：長條 = 群組中最大的落後量，全寬 = {1} 筆";
    HeatShort = "{0} partitions: bar = lag, full = {1}", "{0} 個分區：長條 = 落後量，全寬 = {1}";
    StripWidth = "strip width = {0} records", "條帶全寬 = {0} 筆";
    BrokerDownLabel = "broker {0} down", "Broker {0} 當機";
    BrokerLeavingLabel = "broker {0} leaving", "Broker {0} 離開中";
    // A broker box on the stage: as narrow as "Broker 0 當機" beside it (zh-TW.md keeps Broker).
    BrokerLabel = "broker {0}", "Broker {0}";
    MarkSendsFailed = "{0} more failed", "又有 {0} 筆失敗";
    MarkRedelivered = "{0} redelivered", "{0} 筆重新投遞";
    MarkDeadLetters = "{0} to dead letters", "{0} 筆進入死信";
    MarkAcksRefused = "{0} acks refused: lock expired", "{0} 筆確認被拒：鎖已逾時";
    MarkDropped = "queue full: {0} dropped", "佇列已滿：丟棄 {0} 筆";
    MarkRequeuedToIt = "{0} requeued to it", "{0} 筆重新排入佇列後轉給它";
    MarkOutOfMemory = "out of memory: crashed, {0} requeued", "記憶體不足：當機，{0} 筆重新排入佇列";
    MarkDisconnected = "output buffer limit: disconnected, {0} lost",
        "達到輸出緩衝區上限：連線中斷，遺失 {0} 筆";
    MarkResubscribed = "subscribed again: {0} missed", "重新訂閱：錯過 {0} 筆";
    MarkRestarted = "restarted", "已重新啟動";
    MarkUncleanLeader = "unclean leader: broker {0}", "未同步的副本當選領導者：Broker {0}";
    MarkNewLeader = "new leader: broker {0}", "新領導者：Broker {0}";
    MarkRetention = "{0} deleted by retention", "{0} 筆因保留期限刪除";
    MarkAcksRefusedBrief = "{0} acks refused", "{0} 筆確認被拒";
    MarkRequeuedBrief = "{0} requeued", "{0} 筆重回佇列";
    MarkOutOfMemoryBrief = "out of memory", "記憶體不足";
    MarkDisconnectedBrief = "{0} lost", "遺失 {0} 筆";
    MarkResubscribedBrief = "{0} missed", "錯過 {0} 筆";
    MarkUncleanLeaderBrief = "unclean leader b{0}", "未同步領導者 b{0}";
    MarkNewLeaderBrief = "leader b{0}", "新領導者 b{0}";
    MarkRetentionBrief = "{0} deleted", "刪除 {0} 筆";

    // The charts.
    ChartFlow = "Inflow, outflow (records/s), backlog", "流入、流出（筆／秒）與積壓";
    SeriesBacklog = "backlog (right scale)", "積壓（右側刻度）";
    SeriesInflow = "inflow", "流入";
    SeriesOutflow = "outflow", "流出";
    ChartLag = "Lag per reader, records", "各讀取端的落後量，筆";
    ChartLatency = "Latency, ms", "延遲，毫秒";
    ChartFaults = "Faults so far, records", "累計異常，筆";
    SeriesDropped = "dropped", "丟棄";
    SeriesDuplicates = "duplicates", "重複";
    SeriesLost = "lost", "遺失";
    SeriesBlocked = "blocked producers", "阻塞的生產者";
    ChartPartitionLag = "Lag per partition: {0}", "各分區的落後量：{0}";
    Readout = "t = {0} s", "t = {0} 秒";

    // Without a queue (issue 10, item 2): the run's traffic as direct calls, beside the run.
    WqShow = "Show the same traffic without a queue", "顯示沒有佇列時的同一批流量";
    WqTitle = "Without a queue", "沒有佇列時";
    WqHide = "Hide", "隱藏";
    WqLabel = "The same orders at the same moments (same seed), but the shop calls the service directly and waits for each answer: no queue in between.",
        "同樣的訂單、同樣的時刻（同一個隨機種子），但商店直接呼叫服務並等待每個回應，中間沒有佇列。";
    WqShop = "Shop: {0} of {1} threads waiting for an answer", "商店：{1} 個執行緒中有 {0} 個在等待回應";
    WqShopBlocked = "Shop blocked: every thread is waiting, new orders are turned away",
        "商店卡住了：所有執行緒都在等待，新訂單只能拒絕";
    WqService = "Service: {0} of {1} workers busy, {2} requests waiting", "服務：{1} 個工作執行緒中有 {0} 個忙碌，{2} 個請求在等待";
    WqSent = "orders", "訂單";
    WqSucceeded = "succeeded", "成功";
    WqFailed = "failed", "失敗";
    WqTimedOut = "timed out", "逾時";
    WqSentHint = "Orders the shop tried to place: the same as the records produced in the run with the queue",
        "商店嘗試送出的訂單：和有佇列時生產的訊息相同";
    WqFailedHint = "Orders the shop could not take (every thread waiting) or the service refused (every worker busy and its waiting line full)",
        "商店無法接下的訂單（所有執行緒都在等待），或服務拒絕的請求（工作執行緒全忙且等待區已滿）";
    WqTimedOutHint = "Calls the shop gave up on after {0} ms of waiting; the service may still finish them",
        "商店等待 {0} 毫秒後放棄的呼叫；服務可能仍會把它們做完";
    WqChart = "Calls per second by outcome (last 30 s; top of the box: {0}/s)", "每秒呼叫數，依結果區分（最近 30 秒；框頂為 {0} 次／秒）";

    // The legend.
    LegendAria = "Legend", "圖例";
    LegProduce = "record batch, producer to partition leader (coloured by producer, or by key when chosen below the stage)",
        "訊息批次：從生產者送往分區的領導者（依生產者著色；在畫面下方選擇後改依鍵著色）";
    LegFetch = "fetch request: the consumer polls (pull)", "拉取請求：消費者輪詢（拉取）";
    LegDelivered = "records delivered: fetched, acquired from a share group or pushed (coloured by reader)",
        "送達的訊息：被拉取、從共享群組取得或被推播（依讀取端著色）";
    LegReplicate = "records a follower copies from the leader (a hop between replica chips)",
        "追隨者從領導者複製的訊息（在副本小方塊之間跳動）";
    LegEmpty = "long poll that found nothing", "沒有取到訊息的長輪詢";
    LegCommit = "committed offset of a group", "群組已提交的偏移量";
    LegHw = "high watermark: newer records (washed out) are not on every in-sync replica yet; newest on the right",
        "高水位：較新的訊息（顏色較淡）還沒寫進每個同步副本；最新的在最右邊";
    LegDeleted = "deleted by retention", "因保留期限而刪除";
    LegReplicas = "replicas: leader, in-sync follower, out of sync (\u{00d7}: broker down), joining by a move (copying the log)",
        "副本：領導者、同步的追隨者、未同步（\u{00d7}：Broker 當機）、因搬移而加入中（正在複製日誌）";

    // The classroom layout (issue 10): presenter mode and the chart drawn large.
    PresenterButton = "Presenter", "簡報模式";
    PresenterTitle = "Presenter mode (p): large type, a simpler stage, full screen",
        "簡報模式（p）：大字、簡化的畫面、全螢幕";
    FocusChartTitle = "Show this chart large, beside the stage", "在模擬畫面旁放大顯示這張圖表";
    ReaderLagShort = "lag {0}", "落後 {0}";

    // Follow one record (issue 10, item 3): its journey and the rule each reader follows.
    FollowNext = "Follow the next record", "追蹤下一筆訊息";
    FollowNextTitle = "Or click a moving batch on the stage", "也可以點模擬畫面上移動中的批次";
    FollowStop = "Stop following", "停止追蹤";
    FollowHeading = "One record's journey", "一筆訊息的旅程";
    FollowWaiting = "Waiting for the next record to be written…", "等待下一筆訊息寫入…";
    FollowSeconds = "{0} s", "{0} 秒";
    FollowProduced = "produced by {0}, {1}", "由 {0} 生產，{1}";
    FollowKey = "key {0}", "訊息鍵 {0}";
    FollowNoKey = "no key", "不帶鍵";
    FollowAppended = "written to {0} at offset {1} by the leader on broker {2}",
        "由 Broker {2} 上的領導者寫入 {0}，偏移量 {1}";
    FollowReplicated = "the high watermark passed it: it can be read", "高水位已越過它：可以讀取了";
    FollowFetched = "{0} #{1} fetched it", "{0} #{1} 拉取了它";
    FollowAcquired = "{0} #{1} acquired it under a lock (delivery {2})",
        "{0} #{1} 取得它並加上鎖（第 {2} 次遞送）";
    FollowLockExpired = "the lock of {0} #{1} expired", "{0} #{1} 的鎖逾時了";
    FollowPushed = "the broker pushed it to {0} #{1}", "Broker 把它推播給 {0} #{1}";
    FollowPushedAgain = "requeued, the broker pushed it to {0} #{1}", "退回佇列後，Broker 把它推播給 {0} #{1}";
    FollowProcessed = "{0} #{1} processed it", "{0} #{1} 處理了它";
    FollowAccepted = "{0} #{1} processed it; the broker accepted its acknowledgement",
        "{0} #{1} 處理了它；Broker 接受了它的確認";
    FollowRefused = "{0} #{1} processed it, but its acknowledgement was refused (its lock had expired)",
        "{0} #{1} 處理了它，但確認被拒絕（它的鎖已逾時）";
    FollowReleased = "{0} #{1} could not process it and released it",
        "{0} #{1} 處理失敗，把它釋放回去";
    FollowRebalanced = "{0} rebalanced before committing it: the next owner reads from the committed offset",
        "{0} 還沒提交它就重新平衡了：下一個擁有者從已提交的偏移量讀起";
    FollowCommitted = "{0} committed an offset past it", "{0} 提交了越過它的偏移量";
    FollowLostFor = "lost for {0}: {1}", "對 {0} 而言已遺失：{1}";
    FollowLost = "lost: {0}", "遺失：{0}";
    LostRetention = "retention deleted it from the log", "保留期限到了，它已從日誌刪除";
    LostTruncated = "a leader change truncated the log below it", "領導者更換，日誌被截斷到它之前";
    LostDropped = "dropped: the MQTT client's queue was full (QoS 0)",
        "被丟棄：MQTT 用戶端的佇列已滿（QoS 0）";
    LostMissed = "published while the Redis subscriber was disconnected",
        "發布時 Redis 訂閱者正好斷線";
    LostDiscarded = "discarded with the Redis output buffer", "隨 Redis 輸出緩衝區一起被丟棄";
    FollowMore = "({0} more events not kept)", "（另有 {0} 個事件未保留）";
    FollowRuleGroup = "{0} (consumer group: one member per group)", "{0}（消費者群組：每個群組一個成員）";
    FollowRuleShare = "{0} (share group: one member at a time)", "{0}（共享群組：一次一個成員）";
    FollowRulePush = "{0} (push subscription, not Kafka: every subscriber)",
        "{0}（推播訂閱，非 Kafka：每個訂閱者都收到）";
    FollowByOne = "processed by #{0}", "由 #{0} 處理";
    FollowByMany = "processed {0} times: {1} (at-least-once)", "處理了 {0} 次：{1}（至少一次）";
    FollowNotYet = "not processed yet", "尚未處理";

    // The panic overlay.
    PanicStopped = "Brook stopped: {0}\nScenario {1}, seed {2}. Reload the page to start again.\n",
        "Brook 已停止：{0}\n情境 {1}，隨機種子 {2}。請重新載入頁面再開始。\n";
    PanicDownload = "Download the scenario to replay it", "下載這個情境以便重播";

    // The engine's messages (crates/brook-engine: scenario/validate.rs, cluster/commands.rs,
    // cluster/controller.rs, cluster/mod.rs), word for word in English: `engine_text` matches
    // them. A test checks every message literal of those files has its template here.
    EBelowMinBy = "{0} is below the minimum {1} set by {2}", "{0} 低於下限 {1}（由 {2} 決定）";
    EOverLimitBy = "{0} exceeds the limit {1} set by {2}", "{0} 超過上限 {1}（由 {2} 決定）";
    EBelowMin = "{0} is below the minimum {1}", "{0} 低於下限 {1}";
    EOverLimit = "{0} exceeds the limit {1}", "{0} 超過上限 {1}";
    ENotFinite = "{0} is not a finite number", "{0} 不是有限的數值";
    ENameLength = "must be 1 to {0} bytes long", "長度必須是 1 到 {0} 位元組";
    ETextLength = "is {0} bytes long, over the limit {1}", "長度 {0} 位元組，超過上限 {1}";
    EUsedTwice = "\"{0}\" is used twice", "「{0}」重複出現";
    EVersion = "{0} is not supported; use {1}", "不支援版本 {0}；請使用 {1}";
    ENoTopic = "no topic named \"{0}\"", "沒有名為「{0}」的主題";
    EIdempotenceAcks = "true requires acks \"all\"", "設為 true 時 acks 必須是「all」";
    EIdempotenceInFlight = "true requires max_in_flight_requests_per_connection at most {0}",
        "設為 true 時 max_in_flight_requests_per_connection 最多只能是 {0}";
    EOneTopic = "must name at least one topic", "至少要指定一個主題";
    ENoProducer = "no producer named \"{0}\"", "沒有名為「{0}」的生產者";
    EMembersMax = "{0} has {1} members; the limit is {2}", "{0} 已有 {1} 個成員；上限是 {2}";
    ENoMemberToRemove = "{0} has no member to remove", "{0} 沒有可以移除的成員";
    ENoGroup = "no group named \"{0}\"", "沒有名為「{0}」的群組";
    ENoMember = "{0} has no member", "{0} 沒有成員";
    EOnlyBroker = "the only broker cannot leave", "唯一的 Broker 不能離開";
    EHighestBroker = "only the highest-numbered broker ({0}) may leave",
        "只有編號最大的 Broker（{0}）可以離開";
    EBrokersMax = "{0} brokers already; the limit is {1}", "已有 {0} 台 Broker；上限是 {1}";
    EUsedAlready = "\"{0}\" is used already", "「{0}」已被使用";
    EProducersMax = "more than {0} producers", "超過 {0} 個生產者";
    ENoReader = "no reader named \"{0}\"", "沒有名為「{0}」的讀取端";
    ERateOrProfile = "give rate_per_sec or profile, not both", "rate_per_sec 和 profile 只能擇一";
    EIdempotenceNeedsAll = "idempotence needs acks \"all\"", "冪等需要 acks 為「all」";
    EPushOnlyField = "{0} applies to push_model \"rabbitmq\" only; this one is \"{1}\"",
        "{0} 只適用於 push_model「rabbitmq」；這個是「{1}」";
    EPushOnlyPrefetch = "prefetch applies to push_model \"rabbitmq\" only; \"{0}\" is \"{1}\"",
        "prefetch 只適用於 push_model「rabbitmq」；「{0}」是「{1}」";
    ENoSubscription = "no subscription named \"{0}\"", "沒有名為「{0}」的訂閱";
    EReadersMax = "more than {0} readers", "超過 {0} 個讀取端";
    EGroupsMax = "more than {0} groups", "超過 {0} 個群組";
    EShareFixed = "\"{0}\" is a share group; its members are fixed by the scenario",
        "「{0}」是共享群組；成員數由情境決定";
    ENoLiveMember = "group \"{0}\" has no live member to remove", "群組「{0}」沒有可以移除的存活成員";
    EMemberNotRunning = "{0} member {1} is not running", "{0} 的成員 {1} 不在運作中";
    EMemberNotCrashed = "{0} member {1} has not crashed", "{0} 的成員 {1} 並沒有當機";
    EProducerClosed = "producer \"{0}\" is closed already", "生產者「{0}」已經關閉";
    ENoSuchSubscription = "no such subscription", "沒有這個訂閱";
    ENoSuchTopic = "no such topic", "沒有這個主題";
    ENoMemberN = "{0} has no member {1}", "{0} 沒有成員 {1}";
    EMemberAlreadyDown = "{0} member {1} is already down", "{0} 的成員 {1} 已經當機";
    EMemberAlreadyRunning = "{0} member {1} is already running", "{0} 的成員 {1} 已經在運作";
    EPartitionsMax = "{0}: {1} + {2} partitions exceeds the limit {3}",
        "{0}：{1} + {2} 個分區超過上限 {3}";
    ENoBroker = "no broker {0}", "沒有 Broker {0}";
    EBrokerDown = "broker {0} is already down", "Broker {0} 已經當機";
    EBrokerRunning = "broker {0} is running", "Broker {0} 正在運作";
    EBrokerLeavingAlready = "broker {0} is leaving already", "Broker {0} 已經在離開中";
    ELeavingAddPartitions = "broker {0} is leaving; add partitions once it has left",
        "Broker {0} 正在離開；請等它離開後再新增分區";
    ELeavingAddBroker = "broker {0} is leaving; add a broker once it has left",
        "Broker {0} 正在離開；請等它離開後再新增 Broker";
    ELeavingBalance = "broker {0} is leaving; balance once it has left",
        "Broker {0} 正在離開；請等它離開後再平衡副本";
    EMovesCopying = "{0} partition moves are still copying; wait for them",
        "還有 {0} 個分區搬移正在複製；請等它們完成";
    ENoLiveBroker = "no live broker", "沒有存活的 Broker";
    ENoBrokerCanTake = "{0}-{1} has a replica on every other live broker: none can take the one on broker {2} (add a broker first)",
        "{0}-{1} 在其他每台存活的 Broker 上都已有副本：沒有 Broker 能接手 Broker {2} 上的那一份（請先新增 Broker）";
    EBalancedAlready = "replicas are balanced already ({0} to {1} per live broker)",
        "副本已經平衡（每台存活的 Broker 有 {0} 到 {1} 個）";
    EQueueFull = "more than {0} commands queued; wait a step", "排隊中的指令超過 {0} 個；請等下一步";
    ETimelineFull = "the run holds {0} commands, the limit of a scenario's timeline ({1}); export it or reset",
        "這次執行已有 {0} 個指令，達到情境時間軸的上限（{1}）；請匯出或重設";

    // The JSON reader's messages (serde_json), for imported files.
    JsonAt = "{0} at line {1} column {2}", "{0}（第 {1} 行第 {2} 欄）";
    JsonMissingField = "missing field `{0}`", "缺少欄位 `{0}`";
    JsonUnknownField = "unknown field `{0}`, expected one of {1}", "無法辨識的欄位 `{0}`，可用的有 {1}";
    JsonUnknownVariant = "unknown variant `{0}`, expected one of {1}", "無法辨識的選項 `{0}`，可用的有 {1}";
    JsonInvalidType = "invalid type: {0}, expected {1}", "型別不符：收到 {0}，需要的是 {1}";
    JsonInvalidValue = "invalid value: {0}, expected {1}", "數值不符：收到 {0}，需要的是 {1}";
    JsonExpectedValue = "expected value", "這裡應該要有值";
    JsonEofValue = "EOF while parsing a value", "檔案在一個值的中途就結束了";
    JsonEofObject = "EOF while parsing an object", "檔案在一個物件的中途就結束了";
    JsonEofList = "EOF while parsing a list", "檔案在一個清單的中途就結束了";
    JsonEofString = "EOF while parsing a string", "檔案在一個字串的中途就結束了";
    JsonTrailing = "trailing characters", "結尾有多餘的字元";
    JsonKeyString = "key must be a string", "鍵必須是字串";
    JsonExpectedColon = "expected `:`", "這裡應該是 `:`";
    JsonExpectedObjectEnd = "expected `,` or `}`", "這裡應該是 `,` 或 `}`";
    JsonExpectedListEnd = "expected `,` or `]`", "這裡應該是 `,` 或 `]`";
    JsonExpectedIdent = "expected ident", "無法辨識的字（應為 true、false 或 null）";

    // Walkthrough fixes (issue 10, item 7): one Spike, notices that go, a changed run said so.
    SpikeExplained = "Ten times this producer's rate now (at least 1,000 records/s) for 5 virtual seconds, then back to its profile",
        "把這個生產者目前的速率提高到 10 倍（每秒至少 1,000 筆），持續 5 秒模擬時間，之後恢復原本的速率設定";
    ChgDescription = "Changed since the start: {0}. As it started: {1}", "開始後已變更：{0}。一開始的情境：{1}";
    ChgTimes = "{0} ×{1}", "{0} {1} 次";
    ChgConsumerAdded = "consumer added", "新增消費者";
    ChgConsumerRemoved = "consumer removed", "移除消費者";
    ChgReaderAdded = "reader added", "新增讀取端";
    ChgReaderRemoved = "reader removed", "移除讀取端";
    ChgProducerAdded = "producer added", "新增生產者";
    ChgProducerClosed = "producer closed", "關閉生產者";
    ChgBrokerAdded = "broker added", "新增 Broker";
    ChgBrokerRemoved = "broker removed", "移除 Broker";
    ChgBalanced = "replicas balanced", "平衡副本";
    ChgPartitionAdded = "partition added", "新增分區";
    ChgRate = "rate changed", "變更速率";
    ChgSpike = "spike", "製造尖峰";
    ChgProducerSettings = "producer settings changed", "變更生產者設定";
    ChgGroupSettings = "consumer group settings changed", "變更消費者群組設定";
    ChgPrefetch = "prefetch changed", "變更預取設定";
    ChgRetention = "retention changed", "變更保留設定";

    // Guided lessons (issue 10, item 1): the menu, the lesson panel, its keys and messages.
    // The lessons' own text is in the lesson files (`lessons/NAME.json`), in both languages.
    LessonsMenu = "Lessons", "課程";
    LessonsMenuPick = "Choose a lesson…", "選擇一堂課…";
    LessonDecoupling = "Decoupling", "解耦";
    LessonAsynchrony = "Asynchrony", "非同步";
    LessonPeakShaving = "Peak shaving", "削峰";
    LessonPointToPoint = "Point-to-point", "點對點模式";
    LessonPublishSubscribe = "Publish/subscribe", "發布／訂閱模式";
    LessonLogCollection = "Log collection and monitoring", "日誌收集和監控";
    LessonRealtimeAnalytics = "Real-time processing and analytics", "即時資料處理和分析";
    LessonPartitionsAndKeys = "Kafka: partitions and keys", "Kafka：分區與鍵";
    LessonConsumerGroups = "Kafka: consumer groups", "Kafka：消費者群組";
    LessonDurability = "Kafka: durability", "Kafka：持久性";
    LessonAria = "Lesson", "課程";
    LessonStepOf = "Step {0} of {1}", "第 {0} 步，共 {1} 步";
    LessonPrev = "Previous", "上一步";
    LessonPrevTitle = "Previous step (left arrow, Page Up)", "上一步（左方向鍵、Page Up）";
    LessonNext = "Next", "下一步";
    LessonNextTitle = "Next step (right arrow, Page Down)", "下一步（右方向鍵、Page Down）";
    LessonFinish = "Finish", "完成";
    LessonClose = "Close", "關閉";
    LessonCloseTitle = "Close the lesson (Escape); the run goes on", "關閉課程（Esc）；模擬會繼續執行";
    LessonShowAnswer = "Show the answer", "顯示答案";
    LessonTryRefused = "Not possible now: {0}", "目前無法執行：{0}";
    LessonPausedHere = "Paused here: press Play (space) to go on.", "在這裡暫停了：按「播放」（空白鍵）繼續。";
    LessonReplaying = "Getting to this step's moment…", "正在快轉到這一步的時間點…";
    LessonSandbox = "That was the last step. The sandbox is yours: the run goes on, change anything you like.",
        "課程到這裡結束。接下來換你自由操作：模擬會繼續執行，任何設定都可以調整。";
    LessonBack = "Back to the last step", "回到最後一步";
    LessonInvalid = "lesson {0} is not valid: {1}", "課程 {0} 的內容有誤：{1}";
    LessonNotLoaded = "lesson {0} could not be loaded: {1}", "無法載入課程 {0}：{1}";
    UrlLessonStep = "step: \"{0}\" must be a whole number from 1 to {1}; the lesson opens at step 1",
        "step：「{0}」必須是 1 到 {1} 之間的整數；課程改從第 1 步開始";
    StepTitleLesson = "Advance 100 virtual ms (. while a lesson is open: the arrows move through its steps)",
        "模擬時間前進 100 毫秒（課程進行中請按句點鍵「.」，因為方向鍵用來切換課程步驟）";

    // Figures a learner can trust (issue 10, item 6): per-reader figures, the two parts of the
    // lag, recent latency, empty polls, chart markers, and the glossary shown on every term.
    FigProducedAcked = "Produced, acknowledged", "已生產（已確認）";
    FigProducedAckedTopics = "Produced, acknowledged (all {0} topics)", "已生產（已確認，{0} 個主題合計）";
    FigDuplicatesSoFar = "Processed again / lost / dropped, so far", "至今重複處理 / 遺失 / 丟棄";
    ColProcessed = "Processed", "已處理";
    ColUnread = "Not yet read", "尚未讀取";
    ColUncommitted = "Read, not committed", "已讀取未提交";
    ColLatencyRecent = "Latency p50 / p99, last 5 s", "延遲 p50 / p99（最近 5 秒）";
    ColEmptyPolls = "Empty polls", "空輪詢";
    LatencyWholeRun = "Whole run: p50 {0} ms, p99 {1} ms", "整段執行：p50 {0} 毫秒，p99 {1} 毫秒";
    LatencyNoneRecent = "none processed lately", "最近沒有處理";
    MarkProcessedAgainMore = "{0} more processed again", "又有 {0} 筆重複處理";
    SeriesOutflowOf = "outflow: {0}", "流出：{0}";
    ChartFlowPerReader = "Inflow, outflow per reader (records/s), backlog", "流入、各讀取端的流出（筆／秒）與積壓";
    MarkerSpikeStart = "spike", "尖峰";
    MarkerSpikeEnd = "spike ends", "尖峰結束";
    MarkerBrokerCrash = "broker {0} down", "Broker {0} 當機";
    MarkerMemberCrash = "{0}: crash", "{0}：當機";
    MarkerRebalance = "{0}: rebalance", "{0}：重新平衡";
    GlossProduced = "Records the producers were told were written (how many copies that takes is acks).",
        "生產者被告知已寫入的訊息數（要幾份副本才算，由 acks 決定）。";
    GlossProcessed = "Records this reader processed, repeats included: at most what was produced.",
        "這個讀取端處理完成的訊息數，含重複處理：不會超過已生產的數量。";
    GlossLag = "High watermark minus committed offset, over its partitions (as kafka-consumer-groups.sh): not yet read + read, not committed.",
        "高水位減去已提交的偏移量，各分區加總（同 kafka-consumer-groups.sh）：尚未讀取 + 已讀取未提交。";
    GlossUnread = "Records not fetched yet: high watermark minus fetch position.",
        "還沒拉取的訊息：高水位減去拉取位置。";
    GlossUncommitted = "Fetched, maybe processed, offset not committed yet. Auto-commit clears it every 5 s.",
        "已拉取、可能已處理，但偏移量尚未提交。自動提交每 5 秒清一次。";
    GlossLatency = "Creation to processed. p50: half took less; p99: 99 in 100 did. Last 5 s; whole run in the tooltip.",
        "從建立到處理完成。p50：一半的訊息比它快；p99：每 100 筆有 99 筆不超過它。取最近 5 秒；整段執行的數字見提示。";
    GlossEmptyPoll = "A fetch answered empty after fetch.max.wait.ms: nothing new.",
        "等了 fetch.max.wait.ms 仍空手而回的拉取：沒有新訊息。";
    GlossOffset = "A record's position in its partition: 0, 1, 2...",
        "訊息在分區中的位置：0、1、2……";
    GlossPartition = "One ordered log of a topic; partitions are read in parallel.",
        "主題中的一條有序日誌；各分區可平行讀取。";
    GlossConsumerGroup = "Consumers splitting a topic's partitions; every group gets every record.",
        "分擔主題各分區的消費者；每個群組都收到全部訊息。";
    GlossShareGroup = "Consumers sharing records like a queue, each under a time lock.",
        "像佇列一樣分享訊息的消費者，每筆都有限時鎖定。";
    GlossPush = "The broker sends as records arrive, kept up or not (not Kafka).",
        "訊息一到 Broker 就送出，不管消費者跟不跟得上（不是 Kafka）。";
    GlossHighWatermark = "Offset below which every in-sync replica has the records; consumers read below it.",
        "一個偏移量界線：它之前的訊息，每個同步副本都已寫入；消費者只能讀到它之前。";
    GlossIsr = "In-sync replicas: copies keeping up with the leader.",
        "同步副本集合：跟得上領導者的副本。";
    GlossAcks = "Copies needed before a write is acknowledged: 0, 1 (leader) or all (in-sync replicas).",
        "確認寫入前需要的副本數：0、1（領導者）或 all（同步副本）。";
    GlossRebalance = "Partitions handed out again after a member joins, leaves or crashes.",
        "成員加入、離開或當機後，重新分配分區。";
    GlossCommit = "Saving how far the group has processed, to resume there.",
        "記下群組處理到哪裡，之後從那裡繼續。";
    GlossDuplicates = "Processed again since the start; the stage marks each new batch.",
        "開始至今重複處理的訊息；模擬畫面上會標出每一批新的。";
    GlossVirtualTime = "The simulation's clock, at the speed you choose.",
        "模擬的時鐘，以你選的速度前進。";
    GlossReader = "A consumer group, share group or push subscription; its figures are its own.",
        "消費者群組、共享群組或推播訂閱；數字只屬於它自己。";
    GlossMembers = "Its consumers; idle ones have no partition.",
        "它的消費者；閒置的沒有分區。";
    GlossKind = "Groups pull records; a push subscription is sent them.",
        "群組拉取訊息；推播訂閱則由 Broker 把訊息送過來。";

    // Lessons that compare (issue 10, items 2 and 3 in the lessons): the queued run's figures
    // beside the run without a queue.
    WqQueueSide = "With the queue (the stage): {0} orders lost or failed, {1} waiting in the backlog of {2}",
        "有佇列時（模擬畫面）：遺失或失敗的訂單 {0} 筆，{2} 的積壓中有 {1} 筆在等待";

    // Glossary on the stage (issue 10, item 6): the canvas's terms show their definition on
    // hover; the page lists the terms the stage shows, each reachable by keyboard. Kafka's
    // words: buffer.memory (ProducerConfig: send() blocks when it is full), quotas (the broker
    // delays its response by the throttle time, ClientQuotaManager), the log end offset (the
    // offset of the next record appended, UnifiedLog.logEndOffset).
    TermsOnStage = "Terms on the stage", "模擬畫面上的術語";
    TermBuffer = "buffer", "緩衝區";
    TermQuota = "quota", "配額";
    GlossProducer = "Sends records in batches to each partition's leader; it never waits for consumers.",
        "把訊息分批送到各分區的領導者；它從不等待消費者。";
    GlossLogEnd = "Log end offset: the offset the next record written here will get (offsets count from 0).",
        "日誌結尾偏移量：下一筆寫入的訊息會拿到的偏移量（從 0 起算）。";
    GlossReplicas = "A partition's copies, one per broker (the chip shows its id). The leader (dark) takes writes; followers copy it: grey in sync (ISR), outlined red when behind.",
        "分區的副本，每台 Broker 一份（方塊上是它的編號）。領導者（深色）接收寫入；追隨者向它複製：灰色為同步（ISR），紅框為落後。";
    GlossBroker = "A server of the cluster: it keeps partition replicas and answers producers and consumers.",
        "叢集中的一台伺服器：存放分區的副本，回應生產者和消費者。";
    GlossBuffer = "The producer's memory for records not yet acknowledged (buffer.memory, the line under its box); when full, sending blocks.",
        "生產者存放未確認訊息的記憶體（buffer.memory，方框底部的線）；滿了，傳送就會阻塞。";
    GlossQuota = "A cap on a client's bytes per second; past it, the broker delays its answers (throttling).",
        "用戶端每秒位元組數的上限；超過時，Broker 會延後回應（限流）。";

    // Broker capacity on the page (issue 12, the chain drawn): a broker's request queue and
    // its network and disk as gauges, the producer in flight, blocked and failing, and each
    // request's time as Kafka's RequestMetrics names it (those names stay in English).
    ReqProduce = "Produce", "生產請求";
    ReqFetch = "Fetch", "拉取請求";
    ReqQueueTime = "request queue time", "請求佇列等待時間";
    ReqLocalTime = "handling time", "處理時間";
    ReqRemoteTime = "waiting for followers or data", "等待追隨者或資料";
    ReqResponseQueueTime = "response queue time", "回應佇列等待時間";
    ReqResponseSendTime = "response send time", "回應傳送時間";
    ReqTotalTime = "total time", "總時間";
    FigRequestTime = "{0}: {1} ({2}), mean / p99, ms", "{0}：{1}（{2}），平均 / p99，毫秒";
    FigRequestsAnswered = "{0} requests answered", "已回應的{0}數";
    FigRequestQueue = "request queue now / most / limit (queued.max.requests), requests",
        "請求佇列：目前 / 最多 / 上限（queued.max.requests），個請求";
    FigUnreadRequests = "produce requests not yet read, requests", "尚未讀取的生產請求，個";
    FigBrokerBusy = "network in / network out / disk write busy, last 0.1 s, %",
        "網路流入 / 網路流出 / 磁碟寫入使用率，最近 0.1 秒，%";
    FigBrokerBytes = "bytes read / sent / written so far", "至今讀取 / 送出 / 寫入的位元組";
    FigAckLatency = "{0}: last batch acknowledged after, ms", "{0}：最近一批從送出到確認，毫秒";
    MarkSlowAck = "{0} ms to ack", "{0} 毫秒才確認";
    MarkSlowAckShort = "{0} ms", "{0} 毫秒";
    MarkSlowAckSecs = "{0} s", "{0} 秒";
    ProducerFailing = "failing: {0} failed", "傳送失敗中：累計 {0} 筆";
    ProducerFailingShort = "{0} failed", "{0} 筆失敗";
    PaceShort = "running at {0}×: the simulation cannot keep up", "實際 {0}×：模擬跟不上";
    PaceShortTitle = "This cluster takes longer to simulate than the speed asked allows, so virtual time runs at this pace (measured over the last wall second). Rates, latencies and the clock are still in virtual time. Above 1× the simulation takes more of each frame to go faster, so fewer frames are drawn each second.",
        "這個叢集的模擬太耗時，跟不上所設定的速度，因此模擬時間只能以這個速度前進（以最近一秒的實際時間量測）。速率、延遲和時鐘仍以模擬時間計算。速度高於 1× 時，模擬會在每個影格中占用更多時間來加速，因此每秒畫出的影格會變少。";
    ChartRequestTime = "Produce request time per broker (TotalTimeMs, mean), ms",
        "各 Broker 的生產請求時間（TotalTimeMs 平均），毫秒";
    ChartFlowPartNote = "The inflow counts every topic; each reader's outflow counts only the topics it reads, so a reader of fewer topics stays below the inflow even when it keeps up.",
        "流入涵蓋所有主題；各讀取端的流出只計入它讀取的主題，所以只讀部分主題的讀取端，即使跟得上，流出仍會低於流入。";
    ChartRequestTimeNote = "From the request read to the answer sent. While a broker's request queue is full, the time a request waits to be read is not in it: the producers' latency shows that wait.",
        "從讀入請求到送出回應。Broker 的請求佇列滿時，請求等待被讀取的時間不算在內：這段等待反映在生產者的延遲上。";
    // In a chart's plot before its first sample: the per-partition lag is sampled once a
    // second, so its chart stays empty for the first second of a run.
    ChartNoPointYet = "No point yet: sampled every {0} s", "尚無資料點：每 {0} 秒取樣一次";
    // Under a broker's box, the first of its gauges that is full: "{gauge} full" on one line
    // where it fits, else the gauge's name over "full". In Chinese 滿載 (fully loaded), as the
    // heat view's legend says it: a link or a disk at 90% is busy, not 已滿; "disk write" in
    // English, so that "disk full" is not read as a disk out of space.
    GaugeQueue = "queue", "佇列";
    GaugeIn = "net in", "網路流入";
    GaugeOut = "net out", "網路流出";
    GaugeDisk = "disk write", "磁碟寫入";
    GaugeFullOf = "{0} full", "{0}滿載";
    GaugeFull = "full", "滿載";
    LegGauges = "broker gauges, top to bottom: request queue, network in, network out, disk write (red: full); producer: requests in flight above the buffer",
        "Broker 量表，由上而下：請求佇列、網路流入、網路流出、磁碟寫入（紅色：滿載）；生產者：緩衝區上方是傳送中的請求";
    GlossRequestQueue = "Requests read off the network, waiting for a request handler thread (num.io.threads); at queued.max.requests the broker stops reading.",
        "已從網路讀入、等待請求處理執行緒（num.io.threads）的請求；達到 queued.max.requests 時 Broker 就停止讀取。";
    GlossRequestQueueTime = "Time in the request queue before a handler thread took it.",
        "在請求佇列中等待處理執行緒接手的時間。";
    GlossLocalTime = "Time a handler thread spent on it: appending to the log, or reading it.",
        "處理執行緒花在它身上的時間：寫入日誌或讀取日誌。";
    GlossRemoteTime = "Time waiting for other brokers: followers for an acks=all produce, new records for a long-polling fetch.",
        "等待其他 Broker 的時間：acks=all 的生產請求等追隨者，長輪詢的拉取請求等新訊息。";
    GlossResponseQueueTime = "Time the answer waited for the network out.", "回應等待網路流出的時間。";
    GlossResponseSendTime = "Time to send the answer at the network out rate.", "以網路流出速率送出回應的時間。";
    GlossTotalTime = "The sum of the five parts, from the request read to the answer sent; time waiting to be read is not in it (the producer sees it).",
        "五個部分的總和，從請求讀入到回應送出；等待讀取的時間不算在內（生產者感受得到）。";

    // Queueing view (issue 11): each reader as a queue. λ and the backlog's change over the
    // last 2 s (`model::queueing::QUEUE_WINDOW_MS`), μ from the members' processing time (a
    // partition goes to one member of a group, Kafka's ConsumerPartitionAssignor), ρ = λ/μ,
    // Little's law L = λW with W the mean recent latency, and the time a backlog takes to drain.
    QueueHeading = "Queueing", "排隊模型";
    QueueLambda = "λ arrival rate", "λ 到達率";
    QueueMu = "μ service capacity", "μ 服務能力";
    QueueRho = "ρ utilisation", "ρ 利用率";
    QueueLittle = "Little's law", "利特爾法則";
    QueuePerSec = "{0} records/s", "{0} 筆／秒";
    QueueWorkers = "{0} records/s ({1} members working)", "{0} 筆／秒（{1} 個成員在處理）";
    QueueLittleFig = "L = λW = {0} records (W: mean latency of the last {1} s, {2} ms) beside the backlog now, {3} records",
        "L = λW = {0} 筆（W：最近 {1} 秒的平均延遲，{2} 毫秒），目前積壓 {3} 筆";
    QueueNoWait = "no record processed in the last {0} s: no W yet", "最近 {0} 秒沒有處理任何訊息：還沒有 W";
    QueueGrows = "arrivals exceed capacity: the backlog grows by about {0} records/s",
        "到達率超過服務能力：積壓每秒約增加 {0} 筆";
    QueueDrains = "the backlog drains in about {0} s (μ − λ = {1} records/s)",
        "積壓約 {0} 秒後消化完（μ − λ = {1} 筆／秒）";
    QueueNoWorker = "no member can work now: μ is 0", "目前沒有成員能處理：μ 為 0";
    QueueCaveatChanged = "arrivals changed within the last {0} s: these rates mix before and after, and L = λW need not match the backlog",
        "最近 {0} 秒內到達率有變化：這些速率混合了變化前後，L = λW 不一定等於積壓";
    QueueCaveatUnbalanced = "the backlog is not level (it changed over the last {0} s): Little's law holds for averages while it stays level, so L = λW and the backlog may differ",
        "積壓並不平穩（最近 {0} 秒有增減）：利特爾法則只在積壓持平時的平均值成立，所以 L = λW 可能和積壓不同";
    QueueCaveatAutoCommit = "the lag also counts records processed and waiting for the next auto-commit, which W leaves out",
        "落後量還包括已處理、等待下一次自動提交的訊息，W 不含這段時間";
    QueueCaveatBeforeLog = "W also counts the time records waited before the log (the producer's buffer, a saturated broker), which the backlog does not hold",
        "W 也包括訊息進入日誌之前等待的時間（生產者的緩衝區、滿載的 Broker），積壓裡沒有這些訊息";
    QueueCaveatPushLosses = "this subscription has lost records (dropped or cut off): they left its backlog unserved, so Little's law does not hold for it",
        "這個訂閱已遺失訊息（被丟棄或連線被切斷）：它們沒被處理就離開了積壓，所以利特爾法則對它不成立";
    GlossQueueing = "Each reader seen as a queue: records arrive at rate λ, its members serve them at most at rate μ.",
        "把每個讀取端看成一個佇列：訊息以 λ 的速率到達，成員最多以 μ 的速率處理。";
    GlossArrival = "λ (lambda): records a second joining this reader's backlog, over the last 2 s: the records it processed plus its lag's growth.",
        "λ（到達率）：最近 2 秒每秒加入這個讀取端積壓的訊息數：它處理的訊息加上落後量的增加。";
    GlossCapacity = "μ (mu): records a second its members can process, each working member 1 / processing time (times its speed). A consumer group's member without a partition has nothing to do; fetches, the network and the brokers can hold the real rate lower.",
        "μ（服務能力）：成員每秒最多能處理的訊息數，每個在處理的成員是 1 ÷ 處理時間（乘上它的速度）。消費者群組中沒有分區的成員無事可做；拉取、網路和 Broker 也可能讓實際速率更低。";
    GlossUtilisation = "ρ (rho) = λ / μ: the share of the capacity the arrivals take. Below 1 a backlog drains at μ − λ a second; at 1 or more it grows.",
        "ρ（利用率）= λ ÷ μ：到達的訊息占用多少服務能力。小於 1 時積壓以每秒 μ − λ 筆消化；大於或等於 1 時積壓會增加。";
    GlossLittle = "Little's law: in a queue in balance, the mean number of records in it (L) is the arrival rate (λ) times the mean time each spends (W, here its end-to-end latency).",
        "利特爾法則：佇列平衡時，佇列中的平均訊息數（L）等於到達率（λ）乘上每筆訊息的平均停留時間（W，這裡是端到端延遲）。";

    // Share links, autosave and embed (issue 11): a run as a link (`#v1=...`, model/share.rs),
    // the save that survives a reload, and what a link or a save that cannot be read says.
    ShareCopy = "Copy link", "複製連結";
    ShareCopyTitle = "A link that reopens this run at this moment: the scenario, the changes made, the virtual time, the language and the lesson step",
        "可以在這個時刻重新開啟這次模擬的連結：情境、做過的變更、模擬時間、語言和課程步驟";
    ShareCopied = "Link copied ({0} characters).", "已複製連結（{0} 個字元）。";
    ShareCopyRefused = "The browser did not allow copying: select the link and copy it.",
        "瀏覽器不允許複製：請選取連結後自行複製。";
    ShareLinkAria = "Link to this run", "這次模擬的連結";
    ShareTooLong = "this run's link would be {0} characters, over the {1} that links reliably carry through chat apps and mail: download the export file instead",
        "這次模擬的連結會有 {0} 個字元，超過聊天軟體和電子郵件能完整傳送的 {1} 個：請改為下載匯出檔";
    ShareTooLate = "the run is at {0} virtual s, past the {1} s a link replays to: download the export file instead",
        "這次模擬已到模擬時間 {0} 秒，超過連結能重播的 {1} 秒：請改為下載匯出檔";
    ShareFailed = "this browser cannot compress a link (CompressionStream): download the export file instead",
        "這個瀏覽器無法壓縮連結（CompressionStream）：請改為下載匯出檔";
    ShareExport = "Download the export file", "下載匯出檔";
    ShareBroken = "This link could not be opened: {0}. The default preset opens instead.",
        "無法開啟這個連結：{0}。改為開啟預設情境。";
    ShareOpening = "Opening the shared run…", "正在開啟分享的模擬……";
    ShareBadBase64 = "the data is not base64url: \"{0}\" at position {1}", "資料不是 base64url：第 {1} 個位置是「{0}」";
    ShareBadLength = "the data was cut short: {0} characters of base64url cannot make whole bytes",
        "資料被截斷了：{0} 個 base64url 字元無法組成完整的位元組";
    ShareNotDeflate = "the data is not compressed as Brook writes it (deflate-raw): it was cut short or edited",
        "資料不是 Brook 寫入的壓縮格式（deflate-raw）：可能被截斷或修改過";
    ShareVersion = "the format \"{0}\" is unknown (this page reads {1}): another version of Brook made it",
        "格式「{0}」無法辨識（這個頁面讀取 {1}）：它是另一個版本的 Brook 產生的";
    ShareLinkTooLong = "the data is {0} characters, over the limit {1}", "資料有 {0} 個字元，超過上限 {1}";
    ShareEmpty = "the link holds no data", "連結裡沒有資料";
    ShareTooBig = "the data unpacks to more than {0} bytes", "資料解壓縮後超過 {0} 位元組";
    ShareNoScenario = "no scenario (the blank line before it is missing)", "沒有情境（情境前面的空白行不見了）";
    ShareMissing = "{0} is missing", "缺少 {0}";
    ShareBadLine = "the line \"{0}\" is not one of at_ms, lang, preset, lesson, step",
        "「{0}」這一行不是 at_ms、lang、preset、lesson、step 其中之一";
    ShareRange = "{0}: \"{1}\" must be a whole number from {2} to {3}", "{0}：「{1}」必須是 {2} 到 {3} 之間的整數";
    UrlEmbed = "embed: \"{0}\" must be 0 or 1", "embed：「{0}」必須是 0 或 1";
    AutosaveDiscarded = "The run saved in this browser could not be read and was discarded: {0}.",
        "無法讀取這個瀏覽器中儲存的模擬，已將它捨棄：{0}。";

    // Production-size clusters: the stage's heat view, the page's capacity plan (issue 12).
    HeatBrokers = "Brokers ({0}), a cell each: darker = busier (the fullest of request queue, network in, network out, disk)",
        "Broker（{0} 台），每格一台：顏色越深越忙（請求佇列、網路流入、網路流出、磁碟中最滿的一項）";
    HeatBrokersShort = "Brokers ({0}): darker = busier", "Broker（{0} 台）：顏色越深越忙";
    HeatTopic = "{0}: {1} partitions, a cell each: darker = more lag", "{0}：{1} 個分區，每格一個：顏色越深落後量越大";
    HeatTopicShort = "{0}: {1} partitions", "{0}：{1} 個分區";
    HeatLegend = "light: idle, no lag; dark: a resource at its limit, or {0} records of lag or more",
        "淺色：閒置、沒有落後；深色：某項資源已用到上限，或落後 {0} 筆以上";
    HeatLegendShort = "dark = full, or lag ≥ {0}", "深色 = 滿載，或落後 ≥ {0}";
    PlanTitle = "Capacity plan", "容量規劃";
    PlanIntro = "The smallest cluster that keeps every record's wait within 30 s and the p99 latency within 500 ms under this scenario's load: brook plan's search, here at most {0} points of {1} s each (a point: this scenario with that many brokers, partitions per topic and members per consumer group).",
        "在這個情境的負載下，讓每筆訊息等待不超過 30 秒、p99 延遲不超過 500 毫秒的最小叢集：和 brook plan 相同的搜尋，這裡最多試 {0} 個點、每個點模擬 {1} 秒（一個點：這個情境改用該數量的 Broker、每個主題的分區數和每個消費者群組的成員數）。";
    PlanRun = "Plan", "開始規劃";
    PlanRunning = "running point {0} of at most {1}…", "正在執行第 {0} 個點，最多 {1} 個……";
    PlanHeadBrokers = "brokers", "Broker 數";
    PlanHeadPartitions = "partitions per topic", "每個主題的分區數";
    PlanHeadMembers = "members per group", "每個群組的成員數";
    PlanHeadLag = "longest wait, s", "最長等待（秒）";
    PlanHeadP99 = "p99 latency, ms", "p99 延遲（毫秒）";
    PlanHeadMeets = "meets the targets", "符合目標";
    PlanMeets = "yes", "是";
    PlanMisses = "no", "否";
    PlanChosen = "Smallest meeting the targets: {0} brokers, {1} partitions per topic, {2} members per group.",
        "符合目標的最小叢集：{0} 台 Broker、每個主題 {1} 個分區、每個群組 {2} 個成員。";
    PlanNone = "No point tried met the targets.", "試過的點都不符合目標。";
    PlanCut = "The budget stopped the search: a smaller point may meet the targets (brook plan tries more).",
        "預算用完，搜尋提前結束：更小的叢集也可能符合目標（brook plan 會試更多點）。";

    // Export what you see (issue 11): the metrics history as CSV, each chart as a PNG.
    ExportCsv = "Metrics as CSV", "指標存成 CSV";
    ExportCsvTitle = "Download the metrics history the page keeps (the last minute, a row every 100 virtual ms) as CSV, with the columns of brook run --format csv (and its --direct columns while the run without a queue is shown)",
        "以 CSV 下載頁面保留的指標歷史（最近一分鐘，模擬時間每 100 毫秒一列），欄位和命令列工具輸出的 CSV 相同（顯示「沒有佇列時」的面板時，另有它的欄位）";
    ChartPng = "PNG", "PNG 圖檔";
    ChartPngTitle = "Download this chart as a PNG picture, named after the chart and the virtual time",
        "把這張圖表下載成 PNG 圖檔，檔名包含圖表名稱和模擬時間";

    // The timeline: the scrubber under the stage, its marks, and the fork notice.
    TimelineLabel = "Timeline", "時間軸";
    TimelineAria = "Virtual time of the run: drag, click or use the arrow keys (1 s a press; Page Up and Page Down 10 s) to go back and forth in what the run did",
        "這次執行的模擬時間：拖曳、點選或用方向鍵（每按一次 1 秒；Page Up 和 Page Down 為 10 秒）在執行過的時間裡前後移動";
    TimelineValue = "{0} s of {1} s", "第 {0} 秒（共 {1} 秒）";
    TimelineSeeking = "replaying to {0} s", "重播到第 {0} 秒";
    TimelineHelp = "Going back replays the same run; acting there starts a new one from that moment.",
        "回到過去會重播同一次執行；在那時做操作，就會從那一刻開始新的執行。";
    TimelineForked = "You acted at {0} s after going back: the run after it (up to {1} s) is dropped, with {2} later action(s) of yours.",
        "你回到第 {0} 秒並做了操作：之後的執行（到第 {1} 秒）已捨棄，連同你之後的 {2} 個操作。";
    TimelineMarkAt = "{0} at {1} s", "第 {1} 秒：{0}";
    TimelineMarkUser = "{0} (yours)", "{0}（你的操作）";
    MarkSpike = "traffic spike", "流量尖峰";
    MarkCrash = "crash", "當機";
    MarkRestart = "restart", "重新啟動";
    MarkRebalance = "rebalance", "重新平衡";
    MarkReader = "reader added or removed", "新增或移除讀取端";
    MarkChange = "change", "變更";

    // The stage by keyboard and in words (issue 13): the canvas takes focus, the arrow keys
    // move a cursor over what a click selects (outlined on the stage, named in a status line),
    // Enter opens it in the inspector; a polite live region says what the stage shows.
    StageLive = "The stage shows brokers: {0} ({1} down); topics: {2}, with {3} partitions; producers: {4}; readers: {5}, with {6} members.",
        "模擬畫面上有 {0} 台 Broker（{1} 台當機）、{2} 個主題共 {3} 個分區、{4} 個生產者，以及 {5} 個讀取端共 {6} 個成員。";
    StageKeys = "Focus the stage, then use the arrow keys (Home, End) to go through its producers, brokers, partitions and readers; Enter opens the one chosen in the inspector.",
        "先讓模擬畫面取得焦點，再用方向鍵（Home、End）逐一選取生產者、Broker、分區和讀取端；按 Enter 在檢視面板中開啟選取的項目。";
    StageCursor = "{0} ({1} of {2}). Enter opens it in the inspector.",
        "{0}（第 {1} 個，共 {2} 個）。按 Enter 在檢視面板中開啟。";
}
