/** The record area's chunk (loaded on first use): the list and one participant's record. */
export { RecordList } from './RecordList.js';
export { RecordPage } from './RecordPage.js';
