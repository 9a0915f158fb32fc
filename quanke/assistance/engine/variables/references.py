"""Policy texts the variables cite (OpenFisca ``Variable.reference``); one place so the wording stays uniform.

Article numbers are given only where the product's sources (shared DOMAIN.md §4, §7) carry them.
"""

BANZFA = "社会救助暂行办法（国务院令第649号，2019年修订）"
DIBAO_CONDITIONS = (
    f"{BANZFA}第九条：共同生活的家庭成员人均收入低于当地最低生活保障标准，且符合家庭财产状况规定"
)
DIBAO_PROCEDURE = f"{BANZFA}第十一条：向户籍所在地的乡镇人民政府、街道办事处提出申请"
DIBAO_AMOUNT = f"{BANZFA}第十二条：按人均收入低于当地最低生活保障标准的差额按月发给"
DIBAO_REVIEW = "最低生活保障审核确认办法（民发〔2021〕57号）"
DIBAO_EDGE = "最低生活保障边缘家庭认定（各地认定办法；人均收入在低保标准的 1.5 倍以内）；社会救助暂行办法"
GRADUAL_EXIT = "各地低保渐退办法（如重庆市彭水县，渐退期 6 个月）"
TEKUN_CONDITIONS = f"{BANZFA}第十四条：无劳动能力、无生活来源、无法定赡养抚养扶养义务人或其无履行义务能力"
TEKUN_OPINION = "国务院关于进一步健全特困人员救助供养制度的意见（国发〔2016〕14号）"
TEKUN_RULES = "特困人员认定办法（民政部）"
TEKUN_NOT_DIBAO = (
    f"{TEKUN_OPINION}；{TEKUN_RULES}：符合特困人员救助供养条件的，纳入特困供养，不再重复计入最低生活保障"
)
DISABILITY = "国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见（国发〔2015〕52号）"
DISABILITY_LIVING = f"{DISABILITY}：生活补贴对象为低保家庭中的残疾人"
DISABILITY_CARE = (
    f"{DISABILITY}：护理补贴对象为残疾等级一级、二级且需要长期照护的重度残疾人，"
    "有条件的地方可扩大到非重度智力、精神残疾人"
)
DISABILITY_AMOUNT = f"{DISABILITY}：补贴标准由省级人民政府根据经济社会发展水平和残疾人保障需求统筹确定"
DISABILITY_GRADES = "残疾人残疾分类和分级（GB/T 26341-2010）"
GAOLING = "北京市高龄津贴（二手来源，未核实）；高龄津贴为地方项目"
HUKOU = f"{DIBAO_PROCEDURE}；{DISABILITY}（向户籍所在地申请）；各地特困供养、高龄津贴办法以本地户籍为条件"
INPUT = "居民登记信息（户口簿、身份证、残疾人证、收入核查）"
