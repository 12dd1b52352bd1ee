package demo

import "thidua/internal/plan"

// The seed plan (DESIGN.md's source document, seed/000_b74a41141571316b.txt):
// the 2020–2025 plan of the Thuận An education office, section by section,
// in the seed's own words.
//
// One change: the seed writes "diễn hình" seven times (title, opening, I.2,
// I.3), always in the phrase "nhân rộng … điển hình", which it spells right
// elsewhere ("nhân rộng điển hình tiên tiến" in III and in the closing
// sentence, "gương điển hình tiên tiến" in II.1 and II.2). "Diễn hình" is
// not a Vietnamese word, so those seven are written "điển hình" here, as the
// seed itself spells the same phrase. Everything else stays as the seed has
// it, its "1924/KH-SGDDT" (the extraction dropped the Đ there, but the
// citation is the seed's) and its mix of "-" and "–" included; the
// asterisks mark the italics of the original, which plans render as such.
// The one paragraph the seed splits across a page break (II.3 b) is joined.
// The header, the number and the exact date are not in the seed: the demo
// supplies them (see thuanAnSeedNumber).
const (
	seedTitle = "Tuyên truyền các phong trào thi đua yêu nước và nhân rộng điển hình tiên tiến trong ngành Giáo dục tỉnh Bình Dương giai đoạn 2020 - 2025"

	seedIntro = `Thực hiện Kế hoạch số 1924/KH-SGDDT ngày 03/11/2020 của Sở Giáo dục và Đào tạo về việc tuyên truyền các phong trào thi đua yêu nước và nhân rộng điển hình tiên tiến trong ngành giáo dục tỉnh Bình Dương giai đoạn 2020 – 2025.

Phòng Giáo dục và Đào tạo ban hành Kế hoạch tuyên truyền các phong trào thi đua yêu nước và nhân rộng điển hình tiên tiến trong ngành Giáo dục thành phố Thuận An giai đoạn 2020 – 2025 với những nội dung sau:`

	seedPurpose = `1. Tuyên truyền về tư tưởng thi đua yêu nước của Chủ tịch Hồ Chí Minh, chủ trương của Đảng, chính sách, pháp luật của Nhà nước về thi đua, khen thưởng nhằm nâng cao hơn nữa nhận thức về vị trí, vai trò, tác dụng to lớn của phong trào thi đua yêu nước; khơi dậy tinh thần tự giác của đội ngũ cán bộ công chức, viên chức và người lao động trong ngành Giáo dục tích cực tham gia, hưởng ứng các phong trào thi đua, tạo động lực mạnh mẽ để hoàn thành xuất sắc mọi nhiệm vụ được giao, góp phần thực hiện thắng lợi các mục tiêu, nhiệm vụ phát triển kinh tế - xã hội của thành phố trong giai đoạn 2020 - 2025.

2. Thông qua công tác tuyên truyền, phát hiện, bồi dưỡng, tổng kết và nhân rộng điển hình tiên tiến để rút ra bài học kinh nghiệm về tổ chức triển khai thực hiện phong trào thi đua; kinh nghiệm về xây dựng và nhân rộng điển hình tiên tiến; tiếp tục đổi mới nội dung, hình thức, chất lượng công tác thi đua, khen thưởng.

3. Việc tuyên truyền các phong trào thi đua yêu nước phải được thực hiện thường xuyên, liên tục và sâu rộng đến tất cả các đơn vị trường học và cán bộ quản lý, giáo viên, nhân viên. Hình thức tuyên truyền phải phong phú, đa dạng, đảm bảo chất lượng, có tính nhân rộng điển hình cao. Việc tuyên truyền, nhân rộng điển hình tiên tiến phải trung thực, chính xác, đúng quan điểm, chủ trương của Đảng, chính sách, pháp luật của Nhà nước.`

	seedContent = `- Tiếp tục quán triệt, tuyên truyền đường lối, chủ trương của Đảng, tư tưởng về thi đua yêu nước của Chủ tịch Hồ Chí Minh; chính sách, pháp luật của Nhà nước về thi đua, khen thưởng, trong đó chú trọng tuyên truyền các quy định của Luật Thi đua, khen thưởng và các văn bản hướng dẫn của Trung ương, của tỉnh về công tác thi đua, khen thưởng.

- Tuyên truyền về các phong trào thi đua yêu nước do Chính phủ, các Bộ, ngành Trung ương, Ủy ban nhân dân tỉnh và các cơ quan, đơn vị, địa phương phát động; kết quả và tác dụng của phong trào thi đua trong thực hiện nhiệm vụ chính trị và phát triển giáo dục của đơn vị. Trong đó, tập trung tuyên truyền về các phong trào thi đua do Thủ tướng Chính phủ phát động như: “*Cả nước chung sức xây dựng nông thôn mới*”, “*Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở*”, “*Doanh nghiệp Việt Nam hội nhập và phát triển*”, “*Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau*”... gắn với việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.

- Tuyên truyền về các ngày lễ lớn của đất nước, của tỉnh, đặc biệt là Ngày Chủ tịch Hồ Chí Minh ra lời kêu gọi Thi đua Ái quốc - Ngày truyền thống thi đua yêu nước (ngày 11 tháng 6); ngày kỷ niệm thành lập tỉnh, thành lập thành phố, ngày truyền thống của ngành,...

- Trong năm 2020, tập trung tuyên truyền các phong trào thi đua lập thành tích chào mừng Đại hội Đảng bộ tỉnh Bình Dương lần thứ XI, nhiệm kỳ 2020 - 2025, Đại hội Thi đua yêu nước tỉnh Bình Dương lần thứ V, gắn với từng sự kiện, từng đợt thi đua và từng chuyên đề thi đua cụ thể.

- Chú trọng tuyên truyền các mô hình mới, nhân tố mới, cách làm hay, sáng tạo, các gương điển hình tiên tiến tiêu biểu trên các lĩnh vực đời sống xã hội.`

	seedForms = `- Tổ chức trao đổi, giao lưu, học tập kinh nghiệm với các gương điển hình tiên tiến thông qua các hình thức như: tọa đàm, giao lưu, trao đổi kinh nghiệm, thi đua cùng các điển hình tiên tiến...

- Tuyên truyền thông qua các hoạt động văn hóa, văn nghệ, cổ động trực quan... tạo khí thế thi đua sôi nổi, quyết tâm hoàn thành mọi nhiệm vụ được giao.`

	seedExemplars = `a) Đối tượng: Là các tập thể, cá nhân có thành tích tiêu biểu trong các phong trào thi đua trên lĩnh vực giáo dục; có mô hình mới, cách làm hay; gương người tốt, việc tốt.

b) Tiêu chí chung: Gương mẫu chấp hành tốt chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước; có thành tích xuất sắc, tiêu biểu trong công tác quản lý, giảng dạy, học tập, công tác; sáng tạo, sáng kiến cải tiến kỹ thuật, phương pháp quản lý, ứng dụng khoa học kỹ thuật, công nghệ cao; có tinh thần tương thân tương ái, giúp đỡ mọi người cùng tiến bộ; tấm gương dũng cảm cứu người; gương người tốt, việc tốt; tích cực tham gia các hoạt động xã hội, từ thiện, góp phần đảm bảo an sinh xã hội.

c) Các đơn vị trường học chủ động phát hiện, xây dựng và lựa chọn những điển hình tiêu biểu, các tập thể, cá nhân có nhiều sáng kiến, cách làm hay, mô hình mới trên lĩnh vực giáo dục để tuyên truyền, phổ biến và nhân rộng tại đơn vị, địa phương; có hình thức tôn vinh, nêu gương các điển hình tiên tiến, tạo sự lan tỏa trong đơn vị, địa phương.

Hàng quý, tổ chức xét chọn các gương điển hình tiên tiến giới thiệu về Sở Giáo dục và Đào tạo (qua Thường trực Thi đua - Khen thưởng) để lựa chọn, tuyên truyền nhân rộng trong ngành Giáo dục tỉnh và giới thiệu về Ban Thi đua – Khen thưởng tỉnh để tổng hợp, tuyên truyền nhân rộng trên địa bàn tỉnh.`

	seedOrganization = `- Căn cứ Kế hoạch này và đặc điểm tình hình của đơn vị trường học để xây dựng, triển khai kế hoạch tuyên truyền và nhân rộng điển hình tiên tiến, đảm bảo nội dung, hình thức phù hợp và đạt hiệu quả.

- Phối hợp với Ủy ban nhân dân các xã, phường, Báo, Đài tích cực tuyên truyền về các phong trào thi đua, các gương điển hình tiên tiến để nhân rộng tại địa phương.

- Định kỳ hàng năm, tổng hợp, báo cáo kết quả thực hiện công tác tuyên truyền và nhân rộng điển hình tiên tiến của các đơn vị trường học gửi về Phòng Giáo dục và Đào tạo để tổng hợp, báo cáo Ban Thi đua – Khen thưởng tỉnh.`

	seedClosing = "Trên đây là Kế hoạch tuyên truyền các phong trào thi đua yêu nước và nhân rộng điển hình tiên tiến trong ngành giáo dục thành phố Thuận An giai đoạn 2020 – 2025./."
)

// seedRecipients and seedSigner are the seed's "Nơi nhận" and signature
// block ("KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG / Võ Anh Tuấn"; the text
// extraction garbled "KT." into "ILF-").
var (
	seedRecipients = []string{"Các trường MN, MG, TH, THCS;", "Lãnh đạo phòng GDĐT;", "Lưu: VT, VP."}
	seedSigner     = plan.Signer{Form: plan.SignKT, Authority: "Trưởng phòng", Title: "Phó Trưởng phòng", Name: "Võ Anh Tuấn"}
)

// SeedSections are the sections of the seed plan, for tests that check the
// demo holds it.
func SeedSections() plan.Sections {
	return plan.Sections{Intro: seedIntro, Purpose: seedPurpose, Content: seedContent, Forms: seedForms, Exemplars: seedExemplars,
		Organization: seedOrganization, Closing: seedClosing}
}
