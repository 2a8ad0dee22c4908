import type { ErrorCode } from '@fanbase/shared/errors';
import { ApiError } from './http';

// What staff and members read when a request fails. The API's own messages are English for logs and
// integrators; the front ends branch on the code and show these.
const MESSAGES: Partial<Record<ErrorCode | 'NETWORK_ERROR', string>> = {
  VALIDATION_FAILED: '提交的内容不符合要求，请检查后重试',
  BAD_REQUEST: '请求有误，请检查后重试',
  MALFORMED_JSON: '请求格式有误',
  BODY_TOO_LARGE: '提交的内容过大',
  UNSUPPORTED_MEDIA_TYPE: '不支持的内容类型',
  NOT_FOUND: '要找的内容不存在',
  AUTH_REQUIRED: '请先登录',
  AUTH_TOKEN_INVALID: '登录状态无效，请重新登录',
  AUTH_TOKEN_EXPIRED: '登录已过期，请重新登录',
  AUTH_SESSION_ENDED: '登录已失效（已退出或账号被修改），请重新登录',
  AUTH_INVALID_CREDENTIALS: '用户名或密码错误',
  AUTH_THROTTLED: '尝试次数过多，请稍后再试',
  FORBIDDEN_ROLE: '当前账号没有权限进行此操作',
  STAFF_NOT_FOUND: '员工账号不存在',
  STAFF_USERNAME_TAKEN: '用户名已被使用',
  STAFF_STORE_REQUIRED: '门店店员必须指定所属门店',
  STAFF_STORE_NOT_FOUND: '所选门店不存在',
  STAFF_LAST_ADMIN: '不能停用或降级最后一位系统管理员',
  STAFF_PASSWORD_WEAK: '密码太简单，请至少 10 位并避免常见密码',
  WECHAT_API_ERROR: '微信接口返回了错误，操作未完成',
  WECHAT_LIMIT_EXCEEDED: '超出了微信接口的限制，操作未完成',
  MENU_INVALID: '菜单不符合微信的规则，请先修正列出的问题',
  MENU_VERSION_NOT_FOUND: '该菜单版本不存在',
  AUTO_REPLY_NOT_FOUND: '该自动回复规则不存在或已被删除',
  AUTO_REPLY_INVALID: '自动回复规则填写有误，请检查后重试',
  AUTO_REPLY_CONFLICT: '同一时间只能启用一条同类回复，请先停用已启用的那条',
  NOT_READY: '服务暂不可用，请稍后再试',
  INTERNAL_ERROR: '服务器出错了，请稍后再试',
  NETWORK_ERROR: '网络连接失败，请检查网络后重试',
};

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const known = MESSAGES[error.code as ErrorCode];
    // WeChat's errcode is what an operator looks up (or quotes to support): keep it visible.
    const errcode = error.code === 'WECHAT_API_ERROR' ? /errcode (-?\d+)(?: \((.*)\))?/.exec(error.message) : null;
    if (known && errcode) return `${known}（微信错误码 ${errcode[1]}${errcode[2] ? `：${errcode[2]}` : ''}）`;
    if (known) return known;
    if (error.status >= 500) return MESSAGES.INTERNAL_ERROR!;
    return `请求失败（${error.code}）`;
  }
  return '出现了意外错误，请刷新页面后重试';
}
