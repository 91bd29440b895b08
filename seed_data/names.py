"""Names and short texts the generator draws from: cities, districts, stations,
functional departments, disclosure titles and supervision findings.

All places are fictional compositions (a direction or colour and a landscape
word); no text names a real person.
"""

from __future__ import annotations

# (Chinese, pinyin) stems of the fictional prefecture-level cities of the
# province scale; the demo and city scales use the first one.
CITIES: tuple[tuple[str, str], ...] = (
    ("江州", "Jiangzhou"),
    ("云州", "Yunzhou"),
    ("安州", "Anzhou"),
    ("平州", "Pingzhou"),
    ("宁州", "Ningzhou"),
    ("川州", "Chuanzhou"),
    ("华州", "Huazhou"),
    ("清州", "Qingzhou"),
    ("临州", "Linzhou"),
    ("长州", "Changzhou"),
    ("明州", "Mingzhou"),
    ("丰州", "Fengzhou"),
    ("康州", "Kangzhou"),
    ("瑞州", "Ruizhou"),
    ("兴州", "Xingzhou"),
    ("嘉州", "Jiazhou"),
    ("和州", "Hezhou"),
    ("永州", "Yongzhou"),
    ("盛州", "Shengzhou"),
    ("顺州", "Shunzhou"),
    ("昌州", "Changzhou"),
    ("泰州", "Taizhou"),
    ("恒州", "Hengzhou"),
    ("启州", "Qizhou"),
)

# districts: one branch (分局) each
DISTRICTS: tuple[tuple[str, str], ...] = (
    ("东城", "Dongcheng"),
    ("西城", "Xicheng"),
    ("南湖", "Nanhu"),
    ("北山", "Beishan"),
    ("滨江", "Binjiang"),
    ("高新区", "Hi-tech Zone"),
    ("经开区", "Economic Development Zone"),
    ("临港", "Lingang"),
    ("城关", "Chengguan"),
    ("河西", "Hexi"),
    ("青山", "Qingshan"),
    ("湖滨", "Hubin"),
    ("新区", "New District"),
    ("白沙", "Baisha"),
    ("金水", "Jinshui"),
    ("龙泉", "Longquan"),
    ("石桥", "Shiqiao"),
    ("凤凰", "Fenghuang"),
    ("松林", "Songlin"),
    ("桃源", "Taoyuan"),
)

# station (派出所) names are a prefix and a landscape word: 东湖, 新桥, 金塘 ...
STATION_PREFIXES: tuple[tuple[str, str], ...] = (
    ("东", "Dong"),
    ("西", "Xi"),
    ("南", "Nan"),
    ("北", "Bei"),
    ("新", "Xin"),
    ("金", "Jin"),
    ("青", "Qing"),
    ("白", "Bai"),
    ("长", "Chang"),
    ("龙", "Long"),
    ("石", "Shi"),
    ("双", "Shuang"),
    ("凤", "Feng"),
    ("马", "Ma"),
)
STATION_STEMS: tuple[tuple[str, str], ...] = (
    ("湖", "hu"),
    ("山", "shan"),
    ("桥", "qiao"),
    ("园", "yuan"),
    ("门", "men"),
    ("关", "guan"),
    ("港", "gang"),
    ("坪", "ping"),
    ("塘", "tang"),
    ("岭", "ling"),
    ("溪", "xi"),
    ("林", "lin"),
    ("湾", "wan"),
    ("洲", "zhou"),
    ("庄", "zhuang"),
    ("河", "he"),
    ("坝", "ba"),
    ("岗", "gang"),
    ("店", "dian"),
    ("埠", "bu"),
)

# the functional departments (支队/大队) of a city bureau: id suffix, Chinese,
# English, unit kind, feedback volume weight, disclosure volume weight
DEPARTMENTS: tuple[tuple[str, str, str, str, float, float], ...] = (
    ("D01", "刑事侦查支队", "Criminal Investigation Detachment", "case_handling", 0.8, 0.8),
    (
        "D02",
        "经济犯罪侦查支队",
        "Economic Crime Investigation Detachment",
        "case_handling",
        0.7,
        0.6,
    ),
    ("D03", "禁毒支队", "Narcotics Control Detachment", "case_handling", 0.3, 0.6),
    ("D04", "网络安全保卫支队", "Cyber Security Detachment", "case_handling", 0.6, 0.7),
    ("D05", "治安管理支队", "Public Order Management Detachment", "management", 1.2, 1.2),
    ("D06", "交通警察支队", "Traffic Police Detachment", "management", 4.0, 2.5),
    ("D07", "出入境管理支队", "Exit-Entry Administration Detachment", "window", 2.0, 1.6),
    ("D08", "车辆管理所", "Vehicle Administration Office", "window", 3.0, 1.6),
    ("D09", "户政管理支队", "Household Registration Detachment", "window", 1.5, 1.4),
    ("D10", "行政审批服务大队", "Administrative Licensing Service Brigade", "window", 1.2, 1.2),
    ("D11", "巡逻警察支队", "Patrol Police Detachment", "management", 0.6, 0.5),
    ("D12", "法制支队", "Legal Affairs Detachment", "management", 0.4, 0.9),
    ("D13", "监所管理支队", "Detention Management Detachment", "management", 0.3, 0.5),
    (
        "D14",
        "食品药品环境犯罪侦查支队",
        "Food, Drug and Environmental Crime Investigation Detachment",
        "case_handling",
        0.3,
        0.5,
    ),
    ("D15", "特警支队", "Special Police Detachment", "management", 0.2, 0.4),
)

# --- disclosure titles, by category -------------------------------------------------

_SERVICES = (
    "居民身份证",
    "户口迁移",
    "出入境证件",
    "机动车登记",
    "驾驶证换领",
    "无犯罪记录证明",
    "居住证",
    "临时身份证明",
    "养犬登记",
    "大型群众性活动安全许可",
    "旅馆业特种行业许可",
    "剧毒化学品购买许可",
)
_CRIMES = (
    "电信网络诈骗",
    "盗窃",
    "寻衅滋事",
    "交通肇事",
    "非法集资",
    "赌博",
    "故意伤害",
    "危险驾驶",
    "非法采砂",
    "侵犯公民个人信息",
)
_ROADS = ("人民路", "解放大道", "滨江路", "中山路", "建设大道", "环城北路", "高新大道", "长江路")

TITLES: dict[str, tuple[str, ...]] = {
    "powers_duties": (
        "本单位主要职责和执法权限",
        "人民警察执法执勤纪律规定",
        "内设机构及职能说明",
        "执法岗位职责清单",
        "权力清单和责任清单",
    ),
    "normative_documents": (
        "行政处罚裁量基准",
        "关于规范警务辅助人员管理的规定",
        "执法依据目录更新",
        "行政许可事项实施规范",
        "关于废止部分规范性文件的决定",
    ),
    "procedures": tuple(f"{s}办理流程及所需材料" for s in _SERVICES)
    + tuple(f"{s}办理时限和收费标准" for s in _SERVICES[:6]),
    "obligations": (
        *tuple(f"申请{s}须提交的材料告知" for s in _SERVICES[:8]),
        "关于烟花爆竹燃放安全的通告",
        "关于依法登记住宿旅客信息的提示",
        "电动自行车登记上牌告知",
        "出租房屋治安管理责任告知",
    ),
    "rights_remedies": (
        "行政复议和行政诉讼权利告知",
        "当事人陈述申辩权利告知",
        "国家赔偿申请途径",
        "听证权利告知",
        "执法过错投诉及救济途径",
    ),
    "convenience_measures": (
        "户籍业务“一窗通办”",
        "周末延时服务安排",
        "身份证“跨省通办”服务",
        "老年人绿色通道服务",
        "上门办证服务预约方式",
        "自助服务终端分布",
    ),
    "complaint_channels": (
        "投诉举报电话和信箱",
        "警务监督渠道公示",
        "特邀监督员名单及联系方式",
        "网上信访受理渠道",
    ),
    "units_contacts": (
        "办事窗口地址和办公时间",
        "值班民警及联系方式",
        "社区民警联系方式",
        "节假日值班安排",
    ),
    "major_decisions": (
        "关于调整户籍准入条件的决定",
        "重大案件情况通报",
        "社会关注事件调查情况通报",
        "重大行政决策征求意见",
    ),
    "case_progress": (
        *tuple(f"{c}案件办理进展情况" for c in _CRIMES),
        "案件受理立案情况告知",
        "涉案财物处置进展",
    ),
    "enforcement_results": (
        *tuple(f"{c}行政处罚决定公开" for c in _CRIMES[:7]),
        "行政处罚决定书集中公示",
        "刑事案件办结情况通报",
    ),
    "statistics": (
        "月度警情通报",
        "季度治安形势分析",
        "年度执法数据统计",
        "电信网络诈骗发案情况通报",
        "交通事故统计通报",
    ),
    "traffic_notices": (
        *tuple(f"{r}交通管制通告" for r in _ROADS),
        "新增交通技术监控设备点位公告",
        "节假日出行交通安全提示",
        "施工路段绕行提示",
    ),
}

# --- supervision findings, by severity ------------------------------------------------

FINDINGS: dict[str, tuple[str, ...]] = {
    "minor": (
        "执法记录仪使用不规范",
        "接处警登记信息不全",
        "公开栏信息未及时更新",
        "群众投诉回访不及时",
        "窗口服务告知不清楚",
        "值班备勤记录不完整",
        "涉案财物登记台账不规范",
        "案件卷宗装订不规范",
    ),
    "moderate": (
        "受案立案不规范",
        "行政处罚告知程序缺失",
        "案件办理超过法定期限",
        "窗口服务态度生硬被群众投诉",
        "执法信息公开不及时",
        "警情漏登漏报",
    ),
    "serious": (
        "涉案财物管理混乱",
        "违规办理户口迁移",
        "执法过程中存在违规行为",
        "群众反映问题长期未解决",
    ),
}
