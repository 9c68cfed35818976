"""What `gridbot … --help` says: the operators' help for every command, option and argument, in Chinese.

Keyed by the command's path under `gridbot` ("" is `gridbot` itself); a parameter by the path and its first long
option ("rates --from") or its name ("appeals show ticket"). The first sentence of a command's text (up to the first
。) is what the list of its group's commands shows. bot/cli/help.py puts them on the commands; the decorators carry
no help of their own, and tests/unit/test_cli_help.py checks that every command and parameter has its text here.
"""

from __future__ import annotations

COMMANDS: dict[str, str] = {
    "": "网格诉求助手 gridbot：社区网格治理的微信公众号助手。命令按用途分组，每个命令加 --help 看说明。",
    # 诉求
    "appeals": "诉求：列出当天的工作，完整查看一件诉求。",
    "appeals list": "列出诉求，最早的在前。给出的每个选项都会缩小范围。表格列出编号、提交时间、类别、地点、状态、"
                    "办理人、时限（剩余多久 / 已超时多久）和内容（电话、身份证号已遮盖）。"
                    "用 --counted 和 --from/--to 核对三率：列出的正是那个数字计入的诉求。",
    "appeals show": "完整查看一件诉求。任务卡、居民的联系方式（遮盖）、谁在办、时限、附件、评价、加入的邻居，"
                    "以及带工作人员姓名的完整办理记录。每次查看都记入诉求记录（查阅）。",
    "reassign": "改派：把诉求交给另一个网格或一位网格员。网格写 第二网格 或 幸福里社区·第二网格，网格员写姓名。新的办理人收到任务卡，"
                "原来的办理人和居民都会收到通知。",
    # 住址
    "binding": "居民住址：加入邻居的诉求是否要求住址已核实。",
    "binding require": "社区是否要求住址核实后才能加入邻居的诉求。on：社区的居民只有住址核实后（扫楼栋二维码绑定，或网格员发送“核实 编号”确认）才会收到“我也遇到”的提示、"
                       "才能加入邻居的诉求；off：绑定了住址就行（默认）。",
    # 数据库与进程
    "db": "数据库结构。",
    "db upgrade": "执行还没执行的数据库迁移。数据库是 GRIDBOT_DATABASE_URL（默认 SQLite）。升级软件后运行一次，重复运行不会改动什么。",
    "serve": "用 gunicorn 提供微信回调（GET/POST /wechat）、控制台和健康检查。",
    "worker": "运行发件箱中继和 RQ worker（给微信发送消息、定时任务）。",
    "demo": ("在一台机器上运行完整的演示。SQLite、内嵌 Redis、回调、worker、模拟微信接口和演示数据都在里面，"
             "都放在数据目录里（GRIDBOT_DATA_DIR，默认 .gridbot-demo；用 python3 run.py demo 启动时在项目目录下）。"
             "一个数据目录同时只能运行一个演示：要同时运行第二个，给它另一个数据目录和端口，"
             "如 GRIDBOT_DATA_DIR=.gridbot-demo-8010 python3 run.py demo --port 8010。"),
    "fake-wechat": "本地的模拟微信接口，记录每一次调用（用浏览器打开 / 查看）。",
    "simulate": "像微信服务器那样向回调发送一条消息，并打印公众号的回复。\n\n"
                "没有设置 WECHAT_TOKEN 时按演示账号（安全模式）发送。账号是明文模式（GRIDBOT_WECHAT_MODE，或设置了自己的 "
                "WECHAT_TOKEN 而没有设置 WECHAT_AES_KEY）或加了 --plain 时发明文，否则加密发送。",
    # 政策咨询问答库
    "faq": "政策咨询问答库：居民问到其中的问题，马上收到答复。",
    "faq list": "列出每一条问答。包括答复中和已停用的、它的同义问法，以及答复后居民转人工的次数；街道自己的问答标出街道名。"
                "加 --street 只列该街道的和全区通用的（该街道居民能得到的答复）。",
    "faq import": "从 CSV（UTF-8 或 GBK）或 .xlsx 文件导入问答。\n\n"
                  "表头：问题、答案，可选 同义问法（多个用 、 ； ; ｜ | / 或单元格内换行分开）和 类别。先检查每一行，"
                  "有任何错误就什么都不导入；再次导入会更新改过的答案（按“问题”对应）。文件里没有的问答照常答复，"
                  "加 --prune 才停用；用 gridbot faq disable 停用的仍保持停用。\n\n"
                  "加 --street 时文件是该街道自己的问答：该街道的居民先从这里找答案，同一问题以街道的为准；"
                  "导入只新增、更新、停用该街道的问答。不加 --street 只动全区通用的问答。",
    "faq export": "把正在答复的问答导出到 .xlsx 文件。不加 --street 导出全区通用的，加了导出该街道自己的；列与导入相同，"
                  "改好后用同样的 --street 再导入（包括在控制台改过的）；已停用的不写进去，所以导回后仍是停用的。",
    "faq disable": "立即停止答复编号为 ID 的问答（gridbot faq list 里的编号）。问答和它的答复记录都保留，"
                   "导入也不会重新启用，直到 gridbot faq enable ID。",
    "faq enable": "重新答复编号为 ID 的问答。手动停用的、导入时因 --prune 停用的都可以。",
    # 聚焦办
    "focus": "聚焦办：反复出现的诉求形成的热点，作为聚焦案件办理。",
    "focus list": "列出未结束的聚焦案件（加 --all 列出全部）。每件写地点、类别或关键词、涉及的编号、负责人。",
    # 网格
    "grid": "网格：新诉求怎样分给网格里的人。",
    "grid list": "列出每个在用的网格。每个网格写分派方式（抢单或派单）、在岗人数 / 全部人数、未办结的诉求。",
    "grid mode": "设置网格的新诉求怎样分派：抢单或派单。抢单发给每位网格员，先接单的办；派单指定一人。"
                 "加 --community 时设置这个社区的所有网格，加 --street 时设置这个街道各社区的所有网格。",
    # 导入
    "import": "导入街道办已有的文件。",
    "import org": "导入街道、社区、网格、小区、楼栋和单元。文件是 CSV（UTF-8 或 GBK）或 .xlsx。\n\n"
                  "表头：街道、社区、网格、小区、楼栋、单元（小区和单元可以空着），可以在标题行下面；合并的单元格、"
                  "以及街道/社区/网格/小区下面空着的单元格沿用上面的值，合计、小计行跳过，全角和带空格的名称按普通写法读。"
                  "先检查每一行，有任何错误就什么都不导入；同一个文件再导入一次不会改动什么。"
                  "文件里出现的社区中有、文件里没有的会列出来（加 --prune 则停用）；其他社区不动。",
    # 人员邀请
    "invite": "邀请工作人员：生成一次性验证码。验证码连同一段转发给本人的话一起打印：谁在公众号里发送“认证 验证码”，谁就绑定为这位工作人员。"
              "加 --from 台账 --out 文件 一次邀请台账上的全部人员。"
              "invite list 和 invite revoke 管理已发出的邀请。",
    "invite list": "列出等待使用的邀请（加 --all 列出全部）。每个写编号、角色、范围、本人、有效期。",
    "invite revoke": "收回一个还没用过的邀请。按验证码或 invite list 里的编号；再用它认证，和验证码不对一样被拒绝。",
    # 党员、志愿者和“链”
    "members": "党员、志愿者和“链”上的岗位：谁申请了，谁在册。岗位是楼长、单元长、党员中心户。",
    "members pending": "列出等待社区确认的党员报到和志愿者报名。每个写序号、姓名、申请什么、单位、住址。",
    "members confirm": "确认一个党员报到或志愿者报名。按申请人姓名或序号；本人成为住址所在地的成员，并收到现在可以做什么的说明。"
                       "再确认一次不会改动什么。",
    "members decline": "婉拒一个党员报到或志愿者报名。比如不认识的人、报错了；申请人会收到礼貌的说明。",
    "members list": "列出在册的楼长、单元长、党员中心户、党员和志愿者。每人写编号、姓名、角色、住址（小区 楼栋 单元）、单位、"
                    "小区党支部、开始日期。",
    # 自动分类
    "nlp": "训练、评估和试用诉求自动分类。",
    "nlp classify": "给一段文字分类。写出类别、置信度、第二可能的类别，以及起决定作用的词（先列分类表里的）。",
    "nlp eval": "在标注过的样本上评估模型。写出准确率、macro-F1、每类的精确率 / 召回率 / F1 和混淆矩阵；"
                "按阈值进入待分类的比例和其余的准确率。\n\n"
                "标为“待分类”的样本（分类表里哪一类都不合适）进了待分类算对；待分类比例和其余的准确率只算其他样本（范围内的）。",
    "nlp review": "列出在待分类里等着的未办结诉求（最早的在前）和机器的建议类别。",
    "nlp suggest": "从操作员的改正里，按类别找出值得加进分类表的新关键词。",
    "nlp train": "用标注过的样本训练模型，保存到 --model 目录。\n\n"
                 "新模型在从没训练过的留出样本（附带语料的测试集、数据库样本的五分之一）上和附带的模型比较；"
                 "目录里已有模型时，只有新模型在那里不比它差才替换，除非加 --force。"
                 "加 --svm 训练校准过的线性 SVM，而不是逻辑回归。",
    # 广播通知
    "notice": "广播通知：通知一个范围内的居民和工作人员。每个人走适用于他的微信渠道。",
    "notice send": "发一条通知。先列出谁会收到、走哪个渠道、谁被跳过，确认后存下来由 worker 发送。",
    "notice list": "最近的 50 条通知，最新的在前，带状态和进度。更早的用 --until、--since 按创建日期列出。",
    "notice status": "一条通知发到哪里了。按渠道列出已发送、被微信拦下、失败、跳过的人数，以及楼长的确认。",
    "notice cancel": "停发一条通知：还没收到的人不会再收到（已经交给微信的撤不回来）。",
    # 组织架构
    "org": "组织架构：列出、导出、改名、搬动楼栋、楼栋二维码、党支部和岗位。",
    "org list": "列出组织架构：社区 → 网格 → 小区 → 楼栋。网格写分派方式和人员，楼栋写单元和已绑定的居民；列出全部在用的或 --scope 范围内的。",
    "org export": "把在用的组织架构导出到 .xlsx 文件。列与导入相同：gridbot import org 可以读回。",
    "org move-building": "把楼栋连同居民搬到另一个网格。楼栋写 阳光花园·3号楼 或 org list 里的编号；先说明居民和未办结的诉求会怎样，"
                         "确认后在一个事务里完成。",
    "org rename": "给街道、社区、网格、小区、楼栋或单元改名。台账里写错了或者正式改了名时用：居民不用重新绑定，"
                  "诉求、人员和二维码都跟着新名字；通知的范围一起改写。旧名字记下来：还写着旧名字的台账导入时按原名匹配到这里，"
                  "不会再建一个；台账文件也请改过来。",
    "org codes": "楼栋二维码：每个在用楼栋的绑定场景值和海报。居民扫带有它的二维码（未关注时是 qrscene_场景值，已关注时是场景值），"
                 "就绑定到这个楼栋。加 --out 时每个楼栋生成一张 A4 海报；微信生成过的二维码会保留重用，"
                 "所以再运行一次写出相同的文件，不会生成新的二维码。",
    "org branch": "建立或修改小区党支部。住在小区里的党员就是它的党员。",
    "org posts": "列出谁担任什么岗位。按社区和小区列出小区党支部（书记、党员）、每个楼栋的楼长、每个单元的单元长和党员中心户，"
                 "然后是小区的志愿者。",
    # 发件箱
    "outbox": "通知的发送：worker 没能送达的。",
    "outbox failed": "列出没能送达的通知。写出发给谁（遮盖）、哪一条、哪件诉求、试了几次、原因（微信错误的中文说明）和该怎么办；"
                     "--retry 编号 重新发送其中一条。",
    # 积分
    "points": "积分：月报、积分兑换、更正、一个人的积分明细和各街道的积分规则。",
    "points report": "积分月报。每人一行：姓名、角色、地点、街道、本月按规则得的积分、撤销、兑换、本月净得和月末余额；最后是合计。"
                     "有自己规则的街道，表头前写明它定的分值和上限。",
    "points rules": "现行的积分规则：全区的和各街道自己定的。各街道自己定的分值、上限以外同全区；规则文件里写了、台账里却没有的街道会指出来"
                    "（多半是街道名写错了）。",
    "points redeem": "积分兑换：从一个人的积分里扣除。说明里写兑换了什么；余额会变成负数时拒绝。打印兑换后的余额。",
    "points reverse": "撤销一笔积分记录（得分或兑换）。这是操作员的更正：用一笔相反数额、写明原因的记录撤销。记录从不修改；"
                      "一笔记录只能撤销一次，撤销记录本身不能再撤销；积分不能为负：得分已被兑换用掉、撤销后余额会小于 0 的不撤销。",
    "points show": "一个人的积分明细，最新的在前。每笔的编号（给 points reverse 用）、规则、数额、因为什么、谁给的、是否已撤销——"
                   "回答“我为什么有 37 分”。",
    # 三率与报表
    "rates": "三率：响应率、解决率、满意率，按单位排名。统计期内（默认本月）提交的诉求，另有评价率、综合成绩、按期办结率、"
             "重办率、回退率，按综合成绩排名，附与上一期相比的变化。",
    "report": "月报：按网格和网格员写进 Excel 工作簿。列出件数（派发、响应及时、办结、评价……）和比率（响应率、解决率、满意率、"
              "评价率、综合成绩等），与 gridbot rates、控制台的算法相同；“说明”表写明每个数字的定义（见 README“月报”）。",
    "summary": "每日简报：现在就写进发件箱。网格长收到本网格的，操作员收到本社区（或街道）的。"
               "worker 每天 GRIDBOT_SUMMARY_HOUR 点自动发送；不管运行几次，每人每天只收到一条。",
    # 人员变动
    "staff": "人员变动：谁在哪里工作，谁离职了，谁调动了，谁在休假。",
    "staff list": "列出在职的工作人员。每人写编号、姓名、角色、范围、是否已绑定、在岗或休假（到哪天）、未办结的任务、电话。",
    "staff disable": "离职：停用一位工作人员。他立即不再收到任务、不能查看诉求、聊天命令被拒绝；未办结的任务退回网格（或交给 --to），"
                     "办理人和居民都会收到通知；他领的志愿任务（领单）重新开放给别人；写给他、还没用过的邀请撤销，"
                     "他的个人手机号删除（姓名留在办理记录里）。",
    "staff duty": "设为在岗或休假。决定派单时是否给他新任务；已有的任务不论在岗还是休假都仍归他。",
    "staff move": "调动：换网格或换楼栋。网格员、网格长或物业从现在起在另一个网格工作（未办结的任务怎么办用 --tasks 说，不说时会问）；"
                  "楼长从现在起负责另一个楼栋（--building）；党员、志愿者搬家后登记在新的楼栋（--building，积分不变）；部门人员从现在起只负责一个街道、社区或网格（--street、--community、"
                  "--grid），或全区（--all-streets）。",
    # 控制台账号
    "user": "网页控制台（/console）的操作员账号。管理员管全部，街道账号管一个街道，社区账号管一个社区。",
    "user add": "新建账号；密码从标准输入读一行，或提示输入两次。",
    "user list": "列出每个账号。写出用户名、显示名、角色和范围、状态、创建时间和设置密码的时间。",
    "user passwd": "设置新密码。从标准输入读，或提示输入两次；用旧密码登录的会话随之失效。",
    "user disable": "停用账号，不能再登录；已登录的会话在下一次请求时结束。它办过的事仍署它的名字。",
    "user enable": "重新启用账号。密码不变（用 gridbot user passwd 设新密码）。",
    # 微心愿
    "wishes": "微心愿：困难居民的小心愿，发布给社区的志愿者认领（领单）。",
    "wishes add": "发布一个微心愿，打印它的编号（W2612020001）。",
    "wishes list": "列出还没确认完成或取消的微心愿（加 --all 列出全部）。每个写编号、地点、状态、谁领了、内容。",
    "wishes cancel": "取消一个还没有人完成的微心愿；已经领了的志愿者会收到通知。",
}

_SCOPE = "街道、社区或网格（幸福里社区·第一网格）"

PARAMETERS: dict[str, str] = {
    "appeals list --scope": "街道、社区、网格或小区，如 幸福里社区·第一网格、阳光花园",
    "appeals list --status": "待接单、办理中、已退回社区……（或英文名 dispatched、accepted……），逗号分开；已撤销：居民撤销的，"
                             "自动关闭（lapsed）：居民一直未绑定住址、已自动关闭的；全部（all）：含已办结、已撤销的所有状态；默认：所有未结束的",
    "appeals list --overdue": "已过接单或办结时限的，或退回后超过接单时限还没重新派发的",
    "appeals list --unclaimed": "已派发、还没有人接单的",
    "appeals list --returned": "被网格退回、等着改派的",
    "appeals list --pending-binding": "等居民绑定住址的",
    "appeals list --since": "这一天（北京时间）及以后提交的",
    "appeals list --until": "这一天（北京时间）及以前提交的（含这一天）；和 --since 一起写是一段时间",
    "appeals list --resolved-since": "这一天（北京时间）及以后办结的，不论哪天提交（不写 --status 时各种状态都列）",
    "appeals list --resolved-until": "这一天（北京时间）及以前办结的（含这一天）；和 --resolved-since 一起写是一段时间，如一个月办结的",
    "appeals list --counted": "列出三率里某个数字计入的诉求（与 gridbot rates、控制台三率上的数字是同一批，不论现在的状态）：派发、响应及时、"
                              "已解决、办结过、已评价（或英文名 dispatched、responded…）",
    "appeals list --from": "三率统计期的第一天（北京时间），和 --to、--counted 一起写；不写则为本月",
    "appeals list --to": "三率统计期的最后一天（含这一天）",
    "appeals list --json": "输出 JSON，给程序用（英文键）",
    "appeals list --csv": "输出 CSV，给 Excel 用（中文表头，带 BOM 的 UTF-8）",
    "appeals show ticket": "诉求编号，如 G2612030004（可以不带 G）",
    "reassign ticket": "诉求编号",
    "reassign target": "改派给谁：网格（第二网格，或 幸福里社区·第二网格）或网格员的姓名",
    "binding require community_name": "社区的名称",
    "binding require switch": "on 要求核实；off 不要求",
    "serve --host": "监听的地址",
    "serve --port": "监听的端口",
    "serve --workers": "网页服务的进程数（默认：SQLite 1 个，PostgreSQL 2 个）",
    "worker --burst": "队列空了就退出",
    "demo --host": "监听的地址；写 0.0.0.0 让别的机器也能访问",
    "demo --port": "回调的端口；模拟微信接口默认用下一个端口（被占用时另选一个空闲端口，启动说明里写明）",
    "demo --api-port": "模拟微信接口的端口（不指定时见 --port）",
    "fake-wechat --host": "监听的地址",
    "fake-wechat --port": "监听的端口",
    "fake-wechat --callback-ip": "getcallbackip 的列表里还列出这个地址（127.0.0.1 和 ::1 总在列表里）；可以写多次",
    "fake-wechat --events-to": "把 MASSSENDJOBFINISH / TEMPLATESENDJOBFINISH 事件推送到这个回调，用 WECHAT_TOKEN 签名"
                               "（设置了 WECHAT_AES_KEY 时加密），如 http://127.0.0.1:8000/wechat",
    "simulate --openid": "以哪位居民（或工作人员）的 openid 发送",
    "simulate --safe": "AES 加密消息（设置了 WECHAT_AES_KEY 时默认如此）",
    "simulate --plain": "发明文，和明文模式的账号收到的一样",
    "simulate --url": "回调的地址",
    "simulate --voice": "把文字当作语音消息的识别结果发送",
    "simulate --image": "发送一张图片",
    "simulate --location": "发送一个位置（文字是位置的名称）",
    "simulate --event": "改为发送一个事件：subscribe、unsubscribe、SCAN、CLICK",
    "simulate --key": "事件的 EventKey（二维码场景值或菜单的 key）",
    "simulate text": "要发送的文字",
    "faq import file": "CSV 或 .xlsx 文件",
    "faq import --prune": "停用文件里没有的问答（保留，不删除）",
    "faq import --street": "街道自己的问答（写法同 gridbot invite --street，如 安宁街道）",
    "faq list --street": "只列这个街道的和全区通用的问答",
    "faq export --street": "导出这个街道自己的问答",
    "faq disable --street": "只在编号是这个街道的问答时停用（防止输错编号停用了别处的）",
    "faq enable --street": "只在编号是这个街道的问答时启用",
    "faq export file": "要写的 .xlsx 文件",
    "faq disable entry_id": "问答的编号（gridbot faq list 里的）",
    "faq enable entry_id": "问答的编号（gridbot faq list 里的）",
    "focus list --all": "连同已结束的案件和它们的说明",
    "grid list --scope": _SCOPE,
    "grid mode words": "网格（第一网格，或 幸福里社区·第一网格），然后是 抢单 或 派单；用 --community 或 --street 时只写 抢单 或 派单",
    "grid mode --community": "设置这个社区的所有网格：gridbot grid mode 派单 --community 幸福里社区",
    "grid mode --street": "设置这个街道各社区的所有网格：gridbot grid mode 派单 --street 幸福街道",
    "import org file": "CSV 或 .xlsx 文件",
    "import org --prune": "停用文件里出现的社区中、文件不再列出的网格、楼栋和单元（诉求和居民的住址都保留；其他社区不动）",
    "invite --role": "被邀请人的角色",
    "invite --grid": "网格：第一网格，名称重复时写 幸福里社区·第一网格",
    "invite --name": "本人的姓名：打印的那段话写给他",
    "invite --phone": "本人的手机号：保存下来，打印时遮盖；认证时要回复它的后四位",
    "invite --work-phone": "工作电话：本人接单后告诉居民的电话（手机号，或办公室的 区号-号码）",
    "invite --community": "社区：给操作员（默认：网格所在的社区）",
    "invite --street": ("街道：给街道操作员（--role 操作员 且不写 --community），最高一级督办；给部门人员（--role 部门），"
                        "只接收、查看这个街道转办给本部门的诉求（只有一个街道时可以不写）"),
    "invite --department": "部门：分类表把诉求转给的部门之一；物业写物业公司",
    "invite --all-streets": "全区性的部门（--role 部门，如区住建局）：接收、查看所有街道转办给本部门的诉求",
    "invite --building": "楼栋：楼长负责的楼栋，单元长、党员中心户、党员、志愿者的家：幸福里社区/第一网格/阳光花园/3号楼、"
                         "阳光花园·3号楼，或不重复时写 3号楼",
    "invite --unit": "--building 里的单元（2单元，或 2）：单元长、党员中心户必须写",
    "invite --ttl-hours": "验证码的有效小时数",
    "invite --from": ("从人员台账批量邀请（CSV 或 .xlsx，表头：姓名、手机号、角色、社区、网格，可带街道；角色为网格员、网格长或操作员）："
                      "先检查每一行，有错误就一个也不邀请；已认证的、已有邀请待使用的跳过，再运行一次不会重复邀请；"
                      "只能邀请本街道（--street，只有一个街道时可以不写）的人员"),
    "invite --out": "与 --from 一起用：验证码和转发给每人的话写进这个新文件（只有您能读），屏幕上不显示",
    "invite list --all": "连同已使用、已过期和已收回的邀请，带状态",
    "invite revoke code_or_id": "验证码或 invite list 里的编号",
    "members pending --json": "输出一个 JSON 列表（不含 openid）",
    "members confirm who": "申请人的姓名或 members pending 里的序号",
    "members decline who": "申请人的姓名或 members pending 里的序号",
    "members list --scope": _SCOPE,
    "members list --json": "输出一个 JSON 列表（不含 openid 和电话）",
    "nlp classify text": "要分类的文字",
    "nlp classify --model": "模型目录（默认：机器人用的模型，即 GRIDBOT_NLP_MODEL，未设置时随 gridbot 附带的）",
    "nlp eval --data": "标注过的样本（.jsonl、.csv 或 .xlsx）",
    "nlp eval --model": "模型目录（默认：机器人用的模型，即 GRIDBOT_NLP_MODEL，未设置时随 gridbot 附带的）",
    "nlp eval --json": "输出一个 JSON 对象",
    "nlp review --limit": "最多列出几条",
    "nlp suggest --min-count": "一个词至少要出现在某一类的几条改正里",
    "nlp train --data": "标注过的样本：.xlsx 或 .csv（UTF-8 或 GBK），列名 内容（或 文本、诉求内容、诉求、text、content）"
                        "和 类别（或 标签、分类、label、category）；也可以是 .jsonl",
    "nlp train --from-db": "也从数据库学习：操作员的改正和按原类别办结的诉求；不写 --data 或 --only-db 时连同附带的语料",
    "nlp train --only-db": "只从数据库学习（包含 --from-db）；分类表的每个类别都要有足够的样本",
    "nlp train --model": "保存到哪个目录",
    "nlp train --force": "新模型比 --model 目录里原有的差也替换",
    "nlp train --svm": "训练概率校准过的线性 SVM（词和一到三个字），而不是逻辑回归：大批格式化工单上更准，短消息上差些（见 README）",
    "notice send --scope": "全部、街道、社区、小区、社区/网格 或 社区/网格/小区/楼栋",
    "notice send --text": "通知的全文",
    "notice send --audience": "发给谁：residents 居民、staff 工作人员、all 都发",
    "notice send --urgent": "故障或灾害通知：用模板消息，不想收通知的人也会收到",
    "notice send --kind": "紧急通知是关于什么的",
    "notice send --at": "稍后发送（北京时间）",
    "notice send --yes": "不询问直接发送（给脚本用）；不写时先显示预览",
    "notice list --since": "这一天（北京时间）及以后创建的",
    "notice list --until": "这一天（北京时间）及以前创建的",
    "notice list --json": "输出一个 JSON 数组，最新的在前；每条的 more_than_listed 为 true 时还有没列出的通知（同文字输出的最后一行）",
    "notice status number": "通知的编号（notice list 里的）",
    "notice status --json": "输出一个 JSON 对象（编号、状态、收件人数、已发送……）",
    "notice status --watch": "显示实时进度条，直到发送完毕（和 --json 一起用时不画进度条，发送完毕后只输出 JSON）",
    "notice cancel number": "通知的编号（notice list 里的）",
    "org list --scope": _SCOPE,
    "org list --json": "输出 JSON，给脚本用",
    "org list --csv": "每个楼栋一行，输出 CSV，给 Excel 用（带 BOM 的 UTF-8）",
    "org export file": "要写的 .xlsx 文件",
    "org export --scope": _SCOPE,
    "org rename kind": "改哪一级：街道、社区、网格、小区、楼栋 或 单元",
    "org rename place": "现在的名字，和 --scope 的写法一样：幸福里社区·第一网格、幸福里社区·阳光花园、阳光花园·3号楼、阳光花园·3号楼·2单元",
    "org rename new_name": "新名字（只写这一级的名字，如 第一网格、3号楼）",
    "org move-building building_name": "楼栋：阳光花园·3号楼，或 org list 里的编号",
    "org move-building --grid": "搬到哪个网格（幸福里社区·第二网格）",
    "org move-building --appeals": "楼栋未办结的诉求：keep 留给原来的办理人办完，move 重新派给新网格",
    "org move-building --yes": "不询问确认",
    "org codes --scope": _SCOPE,
    "org codes --json": "输出 JSON，给脚本用",
    "org codes --out": "通过微信生成每个楼栋的永久二维码，把海报（PDF）写到这个目录",
    "org branch path": "社区/小区，如 幸福里社区/阳光花园",
    "org branch --name": "党支部的名称（默认：小区名加“小区党支部”）",
    "org branch --secretary": "书记：住在这个小区的党员或党员中心户（姓名或编号）",
    "org posts --scope": _SCOPE,
    "org posts --json": "输出一个岗位的 JSON 列表，给脚本用（不含 openid 和电话）",
    "org posts --csv": "把岗位写进这个 CSV 文件，给 Excel 用（带 BOM 的 UTF-8）",
    "outbox failed --since": "只列这一天（北京时间）及以后产生的通知",
    "outbox failed --json": "输出 JSON，给程序用",
    "outbox failed --retry": "重新发送编号为 ID 的通知（同一条记录，不会发两次）",
    "outbox failed --retry-all": "把 --since 那天起所有发送失败的通知重新排队（发送时中断的除外）；"
                                 "在原因（如 AppSecret 不对）排除之后用",
    "points report --month": "哪个月（北京时间）",
    "points report --scope": "街道、社区或网格（默认：全部）",
    "points report --xlsx": "同时把报表写进这个工作簿",
    "points rules --street": "只看这个街道现行的规则（本街道自己定的标 *）",
    "points redeem who": "姓名或编号",
    "points redeem amount_text": "扣除的积分数",
    "points redeem note": "说明：兑换了什么",
    "points reverse entry_text": "要撤销的记录编号（points show 里的）",
    "points reverse note": "说明：为什么撤销",
    "points show who": "姓名或编号",
    "points show --json": "输出一个 JSON 对象：本人、余额和每一笔记录",
    "rates --from": "第一天（北京时间），和 --to 一起写",
    "rates --to": "最后一天（含这一天）",
    "rates --by": "每行是什么单位：street 街道、community 社区、grid 网格、member 网格员、category 类别（英文或中文都可以）",
    "rates --scope": "只算这个街道、社区或网格的诉求（默认：全部）；两个街道有同名社区时写 街道·社区",
    "rates --json": "输出一个 JSON 列表，而不是表格",
    "report --month": "哪个月（北京时间）",
    "report --xlsx": "要写的工作簿",
    "report --scope": "街道、社区或网格（默认：全部）",
    "summary --date": "发哪天早上的简报（默认：今天，北京时间）",
    "summary --dry-run": "只打印谁会收到什么和全文，什么都不写",
    "staff list --scope": _SCOPE,
    "staff list --role": "只列这个角色",
    "staff list --json": "输出一个 JSON 列表（不含 openid，个人手机号遮盖）",
    "staff disable who": "姓名或编号（staff list 里的）",
    "staff disable --to": "谁接手他未办结的任务（网格员的姓名，或一个网格）；默认：各自退回所在网格",
    "staff duty who": "姓名或编号（staff list 里的）",
    "staff duty state": "在岗 或 休假",
    "staff duty --from": "休假时：以后哪天起休假（那天零点起算，之前照常在岗）；不写：从现在起",
    "staff duty --until": "休假时：休假的最后一天（2026-12-31 或 12-31）；第二天自动恢复在岗",
    "staff move who": "姓名或编号（staff list 里的）",
    "staff move --grid": "从现在起在哪个网格工作",
    "staff move --community": "部门人员：从现在起只负责哪个社区；物业人员：负责这个社区的各个小区",
    "staff move --street": "部门人员：从现在起只负责哪个街道（安宁街道）",
    "staff move --all-streets": "部门人员：从现在起负责全区各街道（如区住建局）",
    "staff move --building": "楼长：从现在起负责哪个楼栋；党员、志愿者：搬到了哪个楼栋（写法同 invite --building）",
    "staff move --tasks": "未办结的任务：keep 留给本人，handover 交给别人（--to），return 退回原网格；不写时会问",
    "staff move --to": "用 --tasks handover 时：谁接手",
    "user add username": "登录用的用户名",
    "user add --role": "账号管理的范围",
    "user add --scope": "街道或社区（社区名重复时写 街道·社区）",
    "user add --name": "它办的事署的名字（默认：用户名）",
    "user passwd username": "用户名",
    "user disable username": "用户名",
    "user enable username": "用户名",
    "wishes add --scope": "社区、小区、社区/网格、社区/网格/小区 或 社区/网格/小区/楼栋",
    "wishes add --text": "谁需要什么（志愿者会看到：不要写电话号码）",
    "wishes list --scope": "只列这个地方的微心愿",
    "wishes list --all": "连同已确认完成和已取消的",
    "wishes list --json": "输出一个 JSON 数组，给脚本用",
    "wishes cancel number": "微心愿的编号（W 开头）",
}

# Click's own words on a help page.
USAGE_PREFIX = "用法："
HEADINGS = {"Options": "选项", "Commands": "命令", "Positional arguments": "参数"}
METAVAR_WORDS = {"OPTIONS": "选项", "COMMAND": "命令", "ARGS": "参数"}  # in [OPTIONS], COMMAND [ARGS]...
HELP_OPTION = "显示这份说明后退出"
# The bracket Click appends to an option's help: [default: 72; required].
EXTRA = {"default: ": "默认：", "required": "必填", "env var: ": "环境变量："}
