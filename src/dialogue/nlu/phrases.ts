import type { Entities, Intent } from './schema.ts';

/**
 * Realistic citizen messages and how they must be understood: with and without diacritics, chat abbreviations,
 * Telex residue, typos and English. `entities`, when given, must all be present with these values.
 * The NLU tests check every one; the benchmark (`hoso bench nlu`) times `understand` over them, which is why
 * they live in src (src never imports test/).
 */
export interface PhraseCase {
  text: string;
  intent: Intent;
  entities?: Entities;
}

const c = (text: string, intent: Intent, entities?: Entities): PhraseCase =>
  entities ? { text, intent, entities } : { text, intent };

export const PHRASES: readonly PhraseCase[] = [
  // greeting
  c('xin chào', 'greeting'),
  c('Xin chào!', 'greeting'),
  c('chao ban', 'greeting'),
  c('chào bn', 'greeting'),
  c('Chào anh ạ', 'greeting'),
  c('chào buổi sáng', 'greeting'),
  c('hello', 'greeting'),
  c('Hi', 'greeting'),
  c('alo alo', 'greeting'),
  c('a lô ad ơi', 'greeting'),
  c('/start', 'greeting'),
  c('xin chaof', 'greeting'),
  c('good morning', 'greeting'),

  // help
  c('giúp tôi', 'help'),
  c('tro giup', 'help'),
  c('menu', 'help'),
  c('/help', 'help'),
  c('bạn làm được gì?', 'help'),
  c('ban lam dc gi', 'help'),
  c('hướng dẫn sử dụng', 'help'),
  c('huong dan', 'help'),
  c('giúp mình với', 'help'),
  c('cần hỗ trợ', 'help'),
  c('help', 'help'),
  c('what can you do?', 'help'),
  c('trợ giups', 'help'),

  // link_identity
  c('liên kết VNeID', 'link_identity'),
  c('lien ket vneid', 'link_identity'),
  c('liên kết vn eid giúp mình', 'link_identity'),
  c('xac thuc danh tinh', 'link_identity'),
  c('định danh tài khoản', 'link_identity'),
  c('tôi muốn liên kết tài khoản', 'link_identity'),
  c('đăng nhập VNeID', 'link_identity'),
  c('xác minh danh tính của tôi', 'link_identity'),
  c('cccd của tôi là 079084000123', 'link_identity', { cccd: '079084000123' }),
  c('số căn cước 001 203 004 567', 'link_identity', { cccd: '001203004567' }),
  c('link my account', 'link_identity'),
  c('verify my identity', 'link_identity'),
  c('lien ket tai khoan dinh danh muc 2', 'link_identity'),

  // criminal_record
  c('xin phiếu lý lịch tư pháp', 'criminal_record', { service: 'lltp' }),
  c('xin phieu ly lich tu phap', 'criminal_record', { service: 'lltp' }),
  c('lam LLTP so 1', 'criminal_record', { service: 'lltp', form: 1 }),
  c('lam LLTP so 2', 'criminal_record', { service: 'lltp', form: 2 }),
  c('cấp lý lịch tư pháp cho con', 'criminal_record', { service: 'lltp' }),
  c('tôi muốn làm phiếu lý lịch tư pháp số 1', 'criminal_record', { service: 'lltp', form: 1 }),
  c('đăng ký cấp phiếu số 2', 'criminal_record', { service: 'lltp', form: 2 }),
  c('làm p1', 'criminal_record', { service: 'lltp', form: 1 }),
  c('mình cần lltp để đi xin việc', 'criminal_record', { service: 'lltp' }),
  c('lys lichj tuw phaps', 'criminal_record', { service: 'lltp' }),
  c('ly lihc tu phap', 'criminal_record', { service: 'lltp' }),
  c('lylichtuphap', 'criminal_record', { service: 'lltp' }),
  c('xin giấy xác nhận không tiền án', 'criminal_record', { service: 'lltp' }),
  c('I need a criminal record certificate', 'criminal_record', { service: 'lltp' }),
  c('police clearance', 'criminal_record', { service: 'lltp' }),
  c('làm phiếu LLTP mẫu số 2 cho bản thân', 'criminal_record', { service: 'lltp', form: 2 }),

  // health_record
  c('sổ sức khỏe điện tử', 'health_record', { service: 'health_record' }),
  c('so suc khoe dien tu', 'health_record', { service: 'health_record' }),
  c('xem lich su kham benh', 'health_record', { service: 'health_record' }),
  c('trích xuất hồ sơ sức khỏe', 'health_record', { service: 'health_record' }),
  c('tôi muốn xem sổ sức khoẻ', 'health_record', { service: 'health_record' }),
  c('SSKĐT của mình', 'health_record', { service: 'health_record' }),
  c('kết quả khám bệnh tháng trước', 'health_record', { service: 'health_record' }),
  c('lịch sử tiêm chủng của con', 'health_record', { service: 'health_record' }),
  c('health record', 'health_record', { service: 'health_record' }),
  c('my medical history', 'health_record', { service: 'health_record' }),
  c('ho so benh an', 'health_record', { service: 'health_record' }),
  c('sổ sức khẻo điện tử', 'health_record', { service: 'health_record' }),

  // request_status
  c('hồ sơ của tôi đến đâu rồi', 'request_status'),
  c('ho so cua toi den dau roi', 'request_status'),
  c('tra cuu ho so', 'request_status'),
  c('kiểm tra trạng thái', 'request_status'),
  c('tra cứu hồ sơ LLTP-2026-000123', 'request_status', { request_id: 'LLTP-2026-000123' }),
  c('mã hồ sơ skdt-2025-004567 đã xong chưa', 'request_status', { request_id: 'SKDT-2025-004567' }),
  c('LLTP 2026 000777', 'request_status', { request_id: 'LLTP-2026-000777' }),
  c('hs của mình xong chưa ad', 'request_status'),
  c('phiếu của tôi có kết quả chưa', 'request_status'),
  c('tình trạng hồ sơ lý lịch tư pháp', 'request_status', { service: 'lltp' }),
  c('check status', 'request_status'),
  c('/status', 'request_status'),
  c('tiến độ hồ sơ', 'request_status'),

  // fees_info
  c('phí làm lý lịch tư pháp bao nhiêu', 'fees_info', { service: 'lltp' }),
  c('phi lam ly lich tu phap bao nhieu', 'fees_info', { service: 'lltp' }),
  c('le phi bn', 'fees_info'),
  c('lệ phí bao nhiêu tiền vậy', 'fees_info'),
  c('làm LLTP mất bao nhiêu tiền', 'fees_info', { service: 'lltp' }),
  c('có mất phí không', 'fees_info'),
  c('sinh viên có được miễn giảm không', 'fees_info'),
  c('phí phiếu số 2 bn', 'fees_info', { service: 'lltp', form: 2 }),
  c('trích xuất sổ sức khỏe có mất tiền ko', 'fees_info', { service: 'health_record' }),
  c('how much does it cost', 'fees_info'),
  c('fee?', 'fees_info'),
  c('giá bao nhiêu', 'fees_info'),
  c('nộp tiền ở đâu', 'fees_info'),

  // documents_info
  c('cần giấy tờ gì', 'documents_info'),
  c('can mang theo gi', 'documents_info'),
  c('cần giấy tờ gì để làm LLTP', 'documents_info', { service: 'lltp' }),
  c('làm lý lịch tư pháp cần chuẩn bị gì', 'documents_info', { service: 'lltp' }),
  c('hồ sơ gồm những gì', 'documents_info'),
  c('can giay to j', 'documents_info'),
  c('xin cho con thì cần giấy ủy quyền không', 'documents_info'),
  c('what documents do I need', 'documents_info'),
  c('cần những giấy tờ nào', 'documents_info'),
  c('có cần bản sao cccd không', 'documents_info'),
  c('giay tof can thiet', 'documents_info'),

  // processing_time_info
  c('bao lâu thì có', 'processing_time_info'),
  c('mất mấy ngày', 'processing_time_info'),
  c('bao lâu thì có phiếu', 'processing_time_info'),
  c('bao lau thi co ket qua', 'processing_time_info'),
  c('làm lý lịch tư pháp mất bao lâu', 'processing_time_info', { service: 'lltp' }),
  c('thời gian xử lý là bao nhiêu ngày', 'processing_time_info'),
  c('khi nào có kết quả', 'processing_time_info'),
  c('có lâu không ad', 'processing_time_info'),
  c('how long does it take', 'processing_time_info'),
  c('mấy ngày thì nhận được phiếu số 1', 'processing_time_info', { service: 'lltp', form: 1 }),
  c('bao lau', 'processing_time_info'),

  // talk_to_staff
  c('gặp nhân viên', 'talk_to_staff'),
  c('noi chuyen voi can bo', 'talk_to_staff'),
  c('tổng đài viên', 'talk_to_staff'),
  c('cho tôi nói chuyện với người thật', 'talk_to_staff'),
  c('gap nv', 'talk_to_staff'),
  c('tôi muốn gặp cán bộ tư pháp', 'talk_to_staff'),
  c('talk to a human', 'talk_to_staff'),
  c('can I speak to a real person', 'talk_to_staff'),
  c('số hotline là gì', 'talk_to_staff'),
  c('nhân vein đâu', 'talk_to_staff'),
  c('gặp nhanvien', 'talk_to_staff'),

  // change_language
  c('English please', 'change_language', { lang: 'en' }),
  c('đổi ngôn ngữ', 'change_language'),
  c('tieng viet', 'change_language', { lang: 'vi' }),
  c('nói tiếng Anh được không', 'change_language', { lang: 'en' }),
  c('chuyển sang tiếng việt', 'change_language', { lang: 'vi' }),
  c('in English', 'change_language', { lang: 'en' }),
  c('/lang en', 'change_language', { lang: 'en' }),
  c('/language vi', 'change_language', { lang: 'vi' }),
  c('/lang', 'change_language'),
  c('I don\u2019t speak Vietnamese', 'change_language', { lang: 'en' }),
  c('switch language', 'change_language'),
  c('englsih', 'change_language', { lang: 'en' }),

  // privacy_export
  c('tôi muốn xem dữ liệu của tôi', 'privacy_export'),
  c('tai du lieu ca nhan', 'privacy_export'),
  c('bạn đang lưu những gì về tôi', 'privacy_export'),
  c('xuất dữ liệu cá nhân', 'privacy_export'),
  c('my data', 'privacy_export'),
  c('download my data', 'privacy_export'),
  c('cho mình xem thông tin cá nhân', 'privacy_export'),

  // privacy_delete
  c('xóa dữ liệu của tôi', 'privacy_delete'),
  c('xoá hết dữ liệu', 'privacy_delete'),
  c('huy lien ket', 'privacy_delete'),
  c('hủy liên kết VNeID', 'privacy_delete'),
  c('rút lại đồng ý', 'privacy_delete'),
  c('delete my data', 'privacy_delete'),
  c('xoa tai khoan cua toi', 'privacy_delete'),
  c('tôi không đồng ý nữa, xóa thông tin đi', 'privacy_delete'),
  c('gỡ liên kết tài khoản', 'privacy_delete'),
  c('unlink', 'privacy_delete'),

  // cancel
  c('hủy', 'cancel'),
  c('huỷ', 'cancel'),
  c('thoat', 'cancel'),
  c('thôi', 'cancel'),
  c('/cancel', 'cancel'),
  c('thôi không làm nữa', 'cancel'),
  c('hủy yêu cầu', 'cancel'),
  c('dừng lại', 'cancel'),
  c('cancel', 'cancel'),
  c('stop', 'cancel'),
  c('bỏ qua', 'cancel'),
  c('huyr', 'cancel'),
  c('cancle', 'cancel'),
  c('ko can nua', 'cancel'),

  // thanks
  c('cảm ơn', 'thanks'),
  c('cam on nhieu', 'thanks'),
  c('tks', 'thanks'),
  c('thanks', 'thanks'),
  c('thank you!', 'thanks'),
  c('cám ơn bạn nhé', 'thanks'),
  c('camon ad', 'thanks'),
  c('ok cảm ơn', 'thanks'),
  c('tuyệt vời', 'thanks'),
  c('camr own', 'thanks'),

  // unknown: chatter the bot must not take for a request
  c('hôm nay trời đẹp quá', 'unknown'),
  c('tôi thích ăn phở', 'unknown'),
  c('asdfghjkl', 'unknown'),
  c('12345', 'unknown'),
  c('con mèo nhà tôi rất dễ thương', 'unknown'),
  // "tuổi" lies one edit from "thôi": a child's age must not cancel a flow or the wait for staff.
  c('Cháu 12 tuổi', 'unknown'),
  c('giá vàng hôm nay', 'unknown'),
  c('đúng rồi', 'unknown'),
  c('ừ', 'unknown'),
  c('tối nay đá bóng không', 'unknown'),
  c('what is the weather like', 'unknown'),
  c('sơ yếu lý lịch viết thế nào', 'unknown'),
  c('tôi phải đi làm rồi', 'unknown'),
  c('', 'unknown'),
  c('???', 'unknown'),
];

/** Frustrated messages: routed to a human with a low confidence, and flagged. */
export const FRUSTRATED: readonly string[] = [
  'bực quá',
  'chán quá',
  'không hiểu gì cả',
  'vô dụng',
  'bot vo dung',
  'tệ quá đi',
  'this is useless',
  'chờ mãi không thấy gì, bực mình',
  'chương trình này dở quá',
];
