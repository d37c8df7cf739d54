"""The demo district's fixed facts: places, subjects, courses, calendar and name lists.

Modelled on Qilin district of Qujing, Yunnan (see ../shared/spec/seed-article.txt): one district
campus, 8 subdistrict points, 16 community centres and 59 community points ("1+8+16+59").
Every person is generated from the name lists below and is fictional; every phone number
starts with 100, which no Chinese mobile or landline number does.
"""

from __future__ import annotations

from datetime import date, time

DISTRICT = "麒麟区"
CENTRE = (25.4900, 103.8000)   # Qujing's old town, roughly
TERM_NAME = "2027年春季学期"
PHONE_PREFIX = "100"           # no real Chinese number starts with 100: clearly fictional

# Subdistrict → its communities; the first two of each list are community centres (the "16").
SUBDISTRICTS: dict[str, list[str]] = {
    "南宁街道": ["鼓楼", "南关", "北关", "东门", "西门", "文笔", "麒麟", "紫云", "南城", "钟楼"],
    "建宁街道": ["建宁", "惠民", "瑞和", "花园", "龙潭", "金江", "双龙", "兴龙", "东苑", "华宁"],
    "白石江街道": ["白石江", "潇湘", "翠峰", "龙华", "阳光", "锦绣", "银河", "盘江", "江川", "清源"],
    "太和街道": ["太和", "胜峰", "文昌", "三元", "桂花", "西苑", "北苑", "新城", "凤凰"],
    "沿江街道": ["沿江", "河东", "河西", "塘子", "水井", "堡子", "清河", "滨江", "南湖"],
    "益宁街道": ["益宁", "玉林", "朝阳", "学府", "向阳", "金牛", "康乐", "幸福", "丰收"],
    "文华街道": ["文华", "书香", "墨林", "青云", "云峰", "翠湖", "兰亭", "南苑", "东风"],
    "寥廓街道": ["寥廓", "珠源", "铁路", "园丁", "石林", "望海", "松林", "福寿", "长安"],
}
CENTRES_PER_SUBDISTRICT = 2
# Groups below communities (the tree allows them); 教师新村 is where the volunteer teachers live.
GROUPS = {"鼓楼": ["教师新村小组", "钟鼓巷小组"], "建宁": ["惠康小组"]}

# Periods: code, start, end, elder-unfriendly penalty.
PERIODS = [("am1", time(8, 30), time(10, 0), 0), ("am2", time(10, 20), time(11, 50), 0),
           ("pm1", time(14, 30), time(16, 0), 1), ("pm2", time(16, 30), time(18, 0), 3)]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS = DAYS[:5]

TERM = {"first_day": date(2027, 3, 1), "last_day": date(2027, 6, 30),
        # Enrollment opens in mid-November, so that a learner trying the demo today can enroll.
        "enrollment_opens": date(2026, 11, 16), "enrollment_closes": date(2027, 2, 26)}
# Public holidays and make-up working days (调休) in the term, official style.
HOLIDAYS = [
    (date(2027, 4, 3), "清明节"), (date(2027, 4, 4), "清明节"), (date(2027, 4, 5), "清明节"),
    (date(2027, 5, 1), "劳动节"), (date(2027, 5, 2), "劳动节"), (date(2027, 5, 3), "劳动节"),
    (date(2027, 5, 4), "劳动节"), (date(2027, 5, 5), "劳动节"),
    (date(2027, 6, 9), "端午节"),
]
MAKEUP_DAYS = [(date(2027, 4, 25), "劳动节调休", "mon"),   # a Sunday that runs Monday's classes
               (date(2027, 5, 8), "劳动节调休", "wed")]    # a Saturday that runs Wednesday's
CLOSURES = [("文华", date(2027, 3, 15), date(2027, 3, 28), "活动室翻新"),
            ("河东", date(2027, 5, 10), date(2027, 5, 14), "社区换届选举"),
            ("南宁街道", date(2027, 6, 21), date(2027, 6, 22), "街道文艺汇演布场")]

# Subjects: code, name, popularity weight.
SUBJECTS = [
    ("calligraphy", "书法", 10), ("painting", "国画", 8), ("choir", "合唱", 9),
    ("taichi", "太极拳", 7), ("smartphone", "智能手机", 10), ("dance", "舞蹈", 9),
    ("erhu", "二胡", 5), ("photography", "摄影", 6), ("cooking", "烹饪", 4),
    ("health", "养生保健", 8), ("english", "英语", 4), ("opera", "戏曲", 5),
    ("knitting", "手工编织", 5), ("gateball", "门球", 3), ("hulusi", "葫芦丝", 5),
]
# Courses: subject code → (name stem, required features, seats, meetings per week, fee).
COURSE_PLANS = {
    "calligraphy": ("书法", ["desks"], 30, 1, 120), "painting": ("国画", ["desks"], 25, 1, 150),
    "choir": ("合唱", ["piano"], 40, 1, 100), "taichi": ("太极拳", [], 30, 2, 80),
    "smartphone": ("智能手机应用", ["desks"], 25, 1, 0), "dance": ("舞蹈", ["dance_floor"], 30, 1, 100),
    "erhu": ("二胡", [], 20, 1, 150), "photography": ("摄影", [], 25, 1, 150),
    "cooking": ("家常烹饪", ["kitchen"], 16, 1, 200), "health": ("养生保健", [], 40, 1, 0),
    "english": ("生活英语", ["desks"], 25, 1, 100), "opera": ("滇剧花灯", [], 25, 1, 100),
    "knitting": ("手工编织", ["desks"], 20, 1, 80), "gateball": ("门球", [], 20, 1, 50),
    "hulusi": ("葫芦丝", [], 25, 1, 80),
}
LEVELS = [(1, "入门班"), (2, "提高班"), (3, "研修班")]
THREE_LEVELS = {"calligraphy", "painting", "choir", "taichi", "dance", "smartphone"}
EXTRA_COURSES = [("smartphone", "电脑入门", ["computers"], 20, 1, 100, 1)]
# Intergenerational courses (老少同乐): subject code, name, features.
INTERGENERATIONAL = [("calligraphy", "老少同乐·书法", ["desks"]), ("painting", "老少同乐·国画", ["desks"]),
                     ("knitting", "老少同乐·手工", ["desks"]), ("choir", "老少同乐·歌唱", ["piano"])]

# Rooms: name, seats range, features always present, features sometimes present.
CAMPUS_ROOMS = [
    ("书画室一", 36, ["desks", "step_free"]), ("书画室二", 30, ["desks", "step_free"]),
    ("音乐教室", 45, ["piano", "step_free"]), ("合唱厅", 60, ["piano", "stage", "step_free"]),
    ("舞蹈厅一", 40, ["dance_floor", "step_free"]), ("舞蹈厅二", 32, ["dance_floor"]),
    ("电脑教室", 30, ["computers", "desks", "projector", "step_free"]),
    ("多媒体教室", 48, ["desks", "projector", "step_free"]), ("烹饪教室", 20, ["kitchen", "step_free"]),
    ("器乐室", 28, ["step_free"]), ("手工室", 28, ["desks", "step_free"]),
    ("太极馆", 40, ["dance_floor", "step_free"]),
]
SUBDISTRICT_ROOMS = [
    ("多功能厅", 50, ["desks", "piano", "step_free"]), ("书画室", 30, ["desks", "step_free"]),
    ("活动室", 36, ["dance_floor", "step_free"]), ("电教室", 24, ["desks", "projector"]),
]

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
            "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦")
GIVEN_FEMALE = ["秀英", "桂兰", "淑珍", "玉兰", "凤英", "秀兰", "桂英", "淑英", "丽华", "秀珍",
                "玉珍", "美兰", "素芬", "惠芳", "琼", "英", "兰", "芳", "萍", "丽", "敏", "静",
                "燕", "红梅", "春华", "翠花", "菊芬", "月娥", "金凤", "慧敏", "丽萍", "晓红"]
GIVEN_MALE = ["建国", "国华", "志强", "卫东", "建华", "国强", "德明", "振华", "永福", "文斌",
              "明", "伟", "军", "勇", "斌", "强", "平", "刚", "华", "海", "忠", "林", "荣",
              "国庆", "爱民", "树林", "家祥", "永康", "宝山", "启明", "学文", "光荣"]
COORDINATOR_TITLES = ["社区网格员", "社区工作人员", "楼栋长"]
