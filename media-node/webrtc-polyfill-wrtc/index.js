// Re-exports the WebRTC classes of @roamhq/wrtc under webrtc-polyfill's names (see package.json).
import wrtc from '@roamhq/wrtc'

export const { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate } = wrtc
export default wrtc
